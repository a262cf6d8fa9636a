"""Writes packages/core/test-fixtures/parity/: tiny SPADE models with random weights, inputs and
the PyTorch reference outputs, for the ONNX graph parity tests (packages/core/src/graph/parity.test.ts).

Run: /usr/bin/python3 training/scripts/gen_parity_fixture.py
Files per case: <case>.weights.safetensors (plain state dict: no spectral norm, batch-norm running
stats included; float16 to keep the fixture small, and the reference runs in float32 on exactly
those rounded weights) and <case>.io.safetensors (labels as uint8 [N,H,W] to one-hot in the test,
z float32, encoder images as uint8 RGB mapped by x/127.5-1, expected float32 outputs);
cases.json lists the configs.
"""
import json
import os
import sys
import warnings

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))

from paintscape_train import safetensors_io  # noqa: E402
from paintscape_train.models import ConvEncoder, SPADEGenerator  # noqa: E402

OUT_DIR = os.path.join(ROOT, "packages", "core", "test-fixtures", "parity")
SEED = 20240601


def gen_cfg(**overrides):
    cfg = dict(
        labelChannels=13,
        dontCareChannel=False,
        instanceEdgeChannel=False,
        ngf=4,
        spadeHidden=8,
        upsampling="normal",
        aspectRatio=1,
        inputStage="conv",
        zDim=8,
        norm="instance",
        cropSize=64,
    )
    cfg.update(overrides)
    return cfg


GENERATOR_CASES = {
    # fully convolutional with a style vector, two input sizes through one graph
    "conv_z": (gen_cfg(ngf=2), [(2, 64, 64), (1, 32, 64)]),
    # official stage, Linear fc from z, 'more' upsamplings, aspect 2, don't-care + edge channels
    "official_z": (
        gen_cfg(ngf=2, dontCareChannel=True, instanceEdgeChannel=True, upsampling="more",
                aspectRatio=2, inputStage="official", zDim=16, cropSize=128),
        [(1, 64, 128)],
    ),
    # official stage without z, batch norm with running stats, 'most' (up_4), per-block hidden widths
    "official_batch": (
        gen_cfg(ngf=2, spadeHidden={"default": 4, "up_4": 3, "head_0": 6}, upsampling="most",
                inputStage="official", zDim=0, norm="batch", cropSize=128),
        [(1, 128, 128)],
    ),
}
ENCODER_CASE = ("encoder", {"ndf": 4, "zDim": 8, "inputSize": 128}, 1)


def random_labels(n, channels, h, w):
    # Blocky labels (8×8 cells) so downsampled maps keep several classes, plus 10% pixel noise.
    cells = torch.randint(0, channels, (n, (h + 7) // 8, (w + 7) // 8))
    labels = cells.repeat_interleave(8, 1).repeat_interleave(8, 2)[:, :h, :w]
    noise = torch.rand(n, h, w) < 0.1
    return torch.where(noise, torch.randint(0, channels, (n, h, w)), labels)


def one_hot(labels, channels):
    return torch.nn.functional.one_hot(labels, channels).permute(0, 3, 1, 2).float()


def round_to_float16(model):
    """Makes every float weight exactly representable in float16 (the fixture stores float16)."""
    with torch.no_grad():
        for tensor in list(model.parameters()) + list(model.buffers()):
            if tensor.is_floating_point():
                tensor.copy_(tensor.half().float())


def save_weights_float16(model, path):
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    safetensors_io.save_file(state, path)


def randomize_batch_norm_stats(model):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.normal_(0, 0.5)
            m.running_var.uniform_(0.5, 2.0)


def main():
    torch.manual_seed(SEED)
    os.makedirs(OUT_DIR, exist_ok=True)
    manifest = {"seed": SEED, "generators": {}, "encoder": None}
    for name, (cfg, inputs) in GENERATOR_CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ZIgnoredWarning: parity does not need z to matter
            model = SPADEGenerator(cfg)
        randomize_batch_norm_stats(model)
        round_to_float16(model)
        model.eval()
        io = {}
        for i, (n, h, w) in enumerate(inputs):
            channels = SPADEGenerator.semantic_channels(cfg)
            labels = random_labels(n, channels, h, w)
            io[f"labels_{i}"] = labels.to(torch.uint8)
            seg = one_hot(labels, channels)
            args = [seg]
            if cfg["zDim"] > 0:
                z = torch.randn(n, cfg["zDim"])
                io[f"z_{i}"] = z
                args.append(z)
            with torch.no_grad():
                io[f"image_{i}"] = model(*args)
        save_weights_float16(model, os.path.join(OUT_DIR, f"{name}.weights.safetensors"))
        safetensors_io.save_file(io, os.path.join(OUT_DIR, f"{name}.io.safetensors"))
        manifest["generators"][name] = {"config": cfg, "runs": len(inputs)}

    name, cfg, n = ENCODER_CASE
    encoder = ConvEncoder(cfg).eval()
    round_to_float16(encoder)
    rgb = torch.randint(0, 256, (n, 3, cfg["inputSize"], cfg["inputSize"]), dtype=torch.uint8)
    with torch.no_grad():
        mu, logvar = encoder(rgb.float() / 127.5 - 1)
    save_weights_float16(encoder, os.path.join(OUT_DIR, f"{name}.weights.safetensors"))
    safetensors_io.save_file({"rgb_0": rgb, "mu_0": mu, "logvar_0": logvar}, os.path.join(OUT_DIR, f"{name}.io.safetensors"))
    manifest["encoder"] = {"name": name, "config": cfg, "runs": 1}

    with open(os.path.join(OUT_DIR, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, p)) for p in os.listdir(OUT_DIR))
    print(f"wrote {OUT_DIR} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
