#!/usr/bin/python3
"""Writes PyTorch checkpoint fixtures for the TypeScript weight readers (packages/core/src/weights).

Default: small fixtures into packages/core/test-fixtures/weights/ (committed):
  tiny_zip.pth       a state dict in the zip format (torch >= 1.6)
  tiny_legacy.pth    the same state dict in the legacy format (_use_new_zipfile_serialization=False)
  tiny_wrapped.pth   {'state_dict': <the dict>, 'epoch': 3, 'note': 'wrapped'}
  tiny_two_dicts.pth {'netG': <the dict>, 'netD': <the dict>} (ambiguous: needs a key)
  tiny.safetensors   the float tensors in safetensors, written by hand (no safetensors package)
  malicious.pth      a zip checkpoint whose pickle calls os.system('touch MARKER')
  tiny_expected.json name -> {dtype, shape, values} for comparison

--official-coco PATH [--ngf N] [--legacy]: a generator state dict with the official NVlabs/SPADE
  COCO-Stuff key set (234 keys, spectral norm + batch norm entries, 184 semantic channels,
  zDim 0, normal upsampling), random values, ngf 64 unless --ngf.
--official-encoder PATH [--ndf N]: an official ConvEncoder state dict (latest_net_E.pth keys).
--vae-generator PATH [--ngf N]: a COCO generator with the VAE input stage (fc = Linear(256 -> 16*ngf*8*8)).
--reference-coco-shapes PATH: {key: shape} of the PyTorch reference generator built like the official
  COCO-Stuff one at ngf 64 (234 keys), without writing a 390 MB checkpoint.
--parity DIR [--ngf N]: an official-layout checkpoint (legacy format, ngf 8) plus the PyTorch reference
  generator's output on one label map (training/paintscape_train, spectral norm + batch norm, eval).

Run with /usr/bin/python3 (Debian's torch).
"""
import argparse
import json
import os
import struct
import zipfile
from collections import OrderedDict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'packages', 'core', 'test-fixtures', 'weights'))
# The malicious fixture would create this file if its pickle were executed.
UNSAFE_MARKER = '/tmp/paintscape_unsafe_pickle_marker'


def tiny_state_dict():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(4, 6, generator=g)
    sd = OrderedDict()
    sd['conv.weight'] = torch.randn(3, 2, 3, 3, generator=g)
    sd['conv.bias'] = torch.arange(3, dtype=torch.float32) - 1.5
    sd['half.weight'] = torch.tensor([0.5, -2.0, 65504.0, 1e-4], dtype=torch.float16)
    sd['bf16.weight'] = torch.tensor([1.0, -3.5, 0.15625], dtype=torch.bfloat16)
    sd['double.weight'] = torch.tensor([1.25, -0.5], dtype=torch.float64)
    sd['bn.num_batches_tracked'] = torch.tensor(123456789012, dtype=torch.int64)
    sd['transposed.weight'] = base.t()  # non-contiguous: strides (1, 6)
    sd['view.weight'] = base[1:3]  # shares base's storage at offset 6
    sd['base.weight'] = base
    sd['scalar'] = torch.tensor(2.5)
    return sd


def expected_json(sd):
    out = OrderedDict()
    for k, v in sd.items():
        out[k] = {
            'dtype': str(v.dtype).replace('torch.', ''),
            'shape': list(v.shape),
            'values': [int(x) for x in v.reshape(-1).tolist()] if v.dtype == torch.int64
            else [float(x) for x in v.float().reshape(-1).tolist()],
        }
    return out


def write_safetensors(path, tensors):
    header = OrderedDict()
    blobs = []
    offset = 0
    for k, v in tensors.items():
        data = v.contiguous().float().numpy().tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(v.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def malicious_pickle():
    """protocol 2: posix.system('touch MARKER') via GLOBAL + REDUCE. Built by hand, never loaded."""
    cmd = ('touch ' + UNSAFE_MARKER).encode()
    return (b'\x80\x02' + b'cposix\nsystem\n' + b'X' + struct.pack('<I', len(cmd)) + cmd
            + b'\x85' + b'R' + b'.')


def write_malicious(path):
    with zipfile.ZipFile(path, 'w', compression=zipfile.ZIP_STORED) as z:
        # Fixed timestamps keep the fixture byte-identical across runs.
        z.writestr(zipfile.ZipInfo('archive/data.pkl', date_time=(2020, 1, 1, 0, 0, 0)), malicious_pickle())
        z.writestr(zipfile.ZipInfo('archive/version', date_time=(2020, 1, 1, 0, 0, 0)), '3\n')


def spectral_uv(weight_orig, iterations=15, seed=0):
    """u, v as a trained checkpoint holds them: converged power iteration on W reshaped [out, -1]."""
    g = torch.Generator().manual_seed(seed)
    w = weight_orig.reshape(weight_orig.shape[0], -1)
    u = torch.nn.functional.normalize(torch.randn(w.shape[0], generator=g), dim=0)
    v = None
    for _ in range(iterations):
        v = torch.nn.functional.normalize(torch.mv(w.t(), u), dim=0)
        u = torch.nn.functional.normalize(torch.mv(w, v), dim=0)
    return u, v


def official_generator(ngf=64, semantic_nc=184, z_dim=0, crop=256, hidden=128, seed=1, std=0.02):
    """Official SPADEGenerator keys (norm_G spectralspadesyncbatch3x3, normal upsampling)."""
    g = torch.Generator().manual_seed(seed)
    sd = OrderedDict()

    def randn(*shape, std=std):
        return torch.randn(*shape, generator=g) * std

    def sn_conv(prefix, cin, cout, k, bias=True):
        w = randn(cout, cin, k, k)
        sd[prefix + '.weight_orig'] = w
        if bias:
            sd[prefix + '.bias'] = randn(cout)
        u, v = spectral_uv(w, seed=len(sd))
        sd[prefix + '.weight_u'] = u
        sd[prefix + '.weight_v'] = v

    def spade(prefix, channels):
        sd[prefix + '.param_free_norm.running_mean'] = randn(channels, std=0.1)
        sd[prefix + '.param_free_norm.running_var'] = 0.5 + torch.rand(channels, generator=g)
        sd[prefix + '.param_free_norm.num_batches_tracked'] = torch.tensor(1000, dtype=torch.int64)
        sd[prefix + '.mlp_shared.0.weight'] = randn(hidden, semantic_nc, 3, 3)
        sd[prefix + '.mlp_shared.0.bias'] = randn(hidden)
        sd[prefix + '.mlp_gamma.weight'] = randn(channels, hidden, 3, 3)
        sd[prefix + '.mlp_gamma.bias'] = randn(channels)
        sd[prefix + '.mlp_beta.weight'] = randn(channels, hidden, 3, 3)
        sd[prefix + '.mlp_beta.bias'] = randn(channels)

    def block(name, fin, fout):
        fmiddle = min(fin, fout)
        sn_conv(name + '.conv_0', fin, fmiddle, 3)
        sn_conv(name + '.conv_1', fmiddle, fout, 3)
        if fin != fout:
            sn_conv(name + '.conv_s', fin, fout, 1, bias=False)
        spade(name + '.norm_0', fin)
        spade(name + '.norm_1', fmiddle)
        if fin != fout:
            spade(name + '.norm_s', fin)

    sw = crop // 2 ** 5
    if z_dim > 0:
        sd['fc.weight'] = randn(16 * ngf * sw * sw, z_dim)
        sd['fc.bias'] = randn(16 * ngf * sw * sw)
    else:
        sd['fc.weight'] = randn(16 * ngf, semantic_nc, 3, 3)
        sd['fc.bias'] = randn(16 * ngf)
    block('head_0', 16 * ngf, 16 * ngf)
    block('G_middle_0', 16 * ngf, 16 * ngf)
    block('G_middle_1', 16 * ngf, 16 * ngf)
    block('up_0', 16 * ngf, 8 * ngf)
    block('up_1', 8 * ngf, 4 * ngf)
    block('up_2', 4 * ngf, 2 * ngf)
    block('up_3', 2 * ngf, 1 * ngf)
    sd['conv_img.weight'] = randn(3, ngf, 3, 3)
    sd['conv_img.bias'] = randn(3)
    return sd


def official_encoder(ndf=64, z_dim=256, seed=2):
    """Official ConvEncoder keys (norm_E spectralinstance: convs without bias, IN without affine)."""
    g = torch.Generator().manual_seed(seed)
    sd = OrderedDict()
    widths = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
    for i in range(6):
        w = torch.randn(widths[i + 1], widths[i], 3, 3, generator=g) * 0.05
        sd['layer%d.0.weight_orig' % (i + 1)] = w
        u, v = spectral_uv(w, seed=i)
        sd['layer%d.0.weight_u' % (i + 1)] = u
        sd['layer%d.0.weight_v' % (i + 1)] = v
    for name in ('fc_mu', 'fc_var'):
        sd[name + '.weight'] = torch.randn(z_dim, 8 * ndf * 4 * 4, generator=g) * 0.01
        sd[name + '.bias'] = torch.randn(z_dim, generator=g) * 0.01
    return sd


def folded_reference(sd, max_elements=4096):
    """Spectral-norm weights as torch computes them in eval mode, for small convs only."""
    out = OrderedDict()
    for key in sd:
        if not key.endswith('.weight_orig') or sd[key].numel() > max_elements:
            continue
        base = key[:-len('_orig')]
        w = sd[key]
        conv = torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], bias=False)
        conv = torch.nn.utils.spectral_norm(conv)
        conv.load_state_dict({'weight_orig': w, 'weight_u': sd[base + '_u'], 'weight_v': sd[base + '_v']})
        conv.eval()
        with torch.no_grad():
            conv(torch.zeros(1, w.shape[1], w.shape[2], w.shape[3]))  # the pre-hook sets conv.weight
            out[base] = {'shape': list(w.shape), 'values': [float(x) for x in conv.weight.reshape(-1).tolist()]}
    return out


def reference_coco_shapes(ngf=64):
    """{key: shape} of the PyTorch reference generator (training/paintscape_train) built like the
    official COCO-Stuff one (spectral norm, batch norm): the official key set, no checkpoint written."""
    import sys
    sys.path.insert(0, os.path.normpath(os.path.join(HERE, '..')))
    from paintscape_train.models import SPADEGenerator
    cfg = dict(labelChannels=182, dontCareChannel=True, instanceEdgeChannel=True, ngf=ngf, spadeHidden=128,
               upsampling='normal', aspectRatio=1, inputStage='conv', zDim=0, norm='batch', cropSize=256)
    model = SPADEGenerator(cfg, spectral=True)
    return OrderedDict((k, list(v.shape)) for k, v in model.state_dict().items())


def write_parity(out_dir, ngf=8, size=64):
    """An official-layout COCO checkpoint (legacy format) plus the output of the PyTorch reference
    generator (training/paintscape_train, spectral norm + batch norm, eval mode) on one label map:
    the converter's folding is checked end to end against torch's own spectral_norm."""
    import sys
    sys.path.insert(0, os.path.normpath(os.path.join(HERE, '..')))
    from paintscape_train.models import SPADEGenerator
    os.makedirs(out_dir, exist_ok=True)
    sd = official_generator(ngf=ngf, std=0.06, seed=11)
    cfg = dict(labelChannels=182, dontCareChannel=True, instanceEdgeChannel=True, ngf=ngf, spadeHidden=128,
               upsampling='normal', aspectRatio=1, inputStage='conv', zDim=0, norm='batch', cropSize=256)
    model = SPADEGenerator(cfg, spectral=True)
    model.load_state_dict(sd, strict=True)  # the official key set is exactly the reference model's
    model.eval()
    g = torch.Generator().manual_seed(5)
    labels = torch.randint(0, 182, (size // 8, size // 8), generator=g).repeat_interleave(8, 0).repeat_interleave(8, 1)
    labels[: size // 4, : size // 4] = 255  # unlabeled -> the don't-care channel
    seg = torch.zeros(1, 184, size, size)
    for y in range(size):
        for x in range(size):
            v = int(labels[y, x])
            seg[0, 182 if v == 255 else v, y, x] = 1
    # Instance edges from the label regions (4-neighbour differences), as core's one-hot computes them.
    edge = torch.zeros(size, size)
    diff_x = labels[:, 1:] != labels[:, :-1]
    diff_y = labels[1:, :] != labels[:-1, :]
    edge[:, 1:] += diff_x.float()
    edge[:, :-1] += diff_x.float()
    edge[1:, :] += diff_y.float()
    edge[:-1, :] += diff_y.float()
    seg[0, 183] = (edge > 0).float()
    with torch.no_grad():
        out = model(seg)
    torch.save(sd, os.path.join(out_dir, 'parity_G.pth'), _use_new_zipfile_serialization=False)
    with open(os.path.join(out_dir, 'parity_labels.u8'), 'wb') as f:
        f.write(labels.to(torch.uint8).numpy().tobytes())
    with open(os.path.join(out_dir, 'parity_seg.f32'), 'wb') as f:
        f.write(seg.numpy().tobytes())
    with open(os.path.join(out_dir, 'parity_out.f32'), 'wb') as f:
        f.write(out.numpy().tobytes())
    print(json.dumps({'size': size, 'out_std': float(out.std()), 'out_absmax': float(out.abs().max())}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=DEFAULT_OUT)
    parser.add_argument('--official-coco')
    parser.add_argument('--official-encoder')
    parser.add_argument('--vae-generator')
    parser.add_argument('--ngf', type=int, help='generator width (default 64; 8 for --parity)')
    parser.add_argument('--ndf', type=int, default=64)
    parser.add_argument('--reference-coco-shapes', help='write {key: shape} of the reference COCO generator (ngf 64) as JSON')
    parser.add_argument('--parity', help='directory for the PyTorch-reference parity case (see write_parity)')
    parser.add_argument('--legacy', action='store_true', help='write the pre-1.6 (non-zip) format')
    parser.add_argument('--expected-json', help='also write name -> {dtype, shape, values} (for small dicts)')
    parser.add_argument('--folded-json', help='also write spectral-norm-folded small conv weights as torch computes them')
    args = parser.parse_args()
    zip_format = not args.legacy
    ngf = args.ngf or 64
    if args.reference_coco_shapes:
        shapes = reference_coco_shapes(ngf=args.ngf or 64)
        with open(args.reference_coco_shapes, 'w') as f:
            json.dump(shapes, f)
        print(json.dumps({'path': args.reference_coco_shapes, 'keys': len(shapes)}))
        return
    if args.parity:
        write_parity(args.parity, ngf=args.ngf or 8)
        return

    if args.official_coco or args.official_encoder or args.vae_generator:
        for path, make in ((args.official_coco, lambda: official_generator(ngf=ngf)),
                           (args.vae_generator, lambda: official_generator(ngf=ngf, z_dim=256)),
                           (args.official_encoder, lambda: official_encoder(ndf=args.ndf))):
            if not path:
                continue
            sd = make()
            torch.save(sd, path, _use_new_zipfile_serialization=zip_format)
            if args.expected_json:
                with open(args.expected_json, 'w') as f:
                    json.dump(expected_json(sd), f)
            if args.folded_json:
                with open(args.folded_json, 'w') as f:
                    json.dump(folded_reference(sd), f)
            print(json.dumps({'path': path, 'keys': len(sd), 'params': sum(v.numel() for v in sd.values())}))
        return

    os.makedirs(args.out, exist_ok=True)
    sd = tiny_state_dict()
    torch.save(sd, os.path.join(args.out, 'tiny_zip.pth'))
    torch.save(sd, os.path.join(args.out, 'tiny_legacy.pth'), _use_new_zipfile_serialization=False)
    torch.save({'state_dict': sd, 'epoch': 3, 'note': 'wrapped'}, os.path.join(args.out, 'tiny_wrapped.pth'))
    torch.save({'netG': sd, 'netD': sd}, os.path.join(args.out, 'tiny_two_dicts.pth'))
    floats = OrderedDict((k, v) for k, v in sd.items() if v.is_floating_point())
    write_safetensors(os.path.join(args.out, 'tiny.safetensors'), floats)
    write_malicious(os.path.join(args.out, 'malicious.pth'))
    with open(os.path.join(args.out, 'tiny_expected.json'), 'w') as f:
        json.dump(expected_json(sd), f, indent=1)
        f.write('\n')
    print('wrote fixtures to', args.out)


if __name__ == '__main__':
    main()
