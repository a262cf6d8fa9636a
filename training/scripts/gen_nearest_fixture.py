"""Regenerate packages/core/src/segmap/fixtures/pytorch-resize.json.

Records which source index PyTorch's F.interpolate(mode='nearest') picks for awkward size pairs,
F.interpolate(mode='bilinear', align_corners=False) outputs for small random images, and SPADE's
instance edge map, so the TypeScript versions can be checked against PyTorch.
Run with /usr/bin/python3 (Debian torch): /usr/bin/python3 training/scripts/gen_nearest_fixture.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

NEAREST_PAIRS = [(37, 256), (256, 37), (255, 128), (100, 33), (33, 100), (3, 7), (7, 3),
                 (1, 5), (5, 1), (64, 128), (128, 64), (513, 512), (512, 513), (300, 7), (17, 17),
                 # float32 scale picks a different pixel than exact floor(dst*in/out) here:
                 (2, 82), (100, 1025), (333, 1073), (1000, 970)]
# (in_h, in_w, out_h, out_w)
BILINEAR_CASES = [(5, 7, 12, 3), (4, 4, 9, 9), (9, 6, 4, 4), (3, 8, 3, 16)]

OUT = pathlib.Path(__file__).resolve().parents[2] / 'packages/core/src/segmap/fixtures/pytorch-resize.json'


def nearest_indices(size_in: int, size_out: int) -> list:
    # A 1-row image whose values are their own column index reveals the chosen source column.
    src = torch.arange(size_in, dtype=torch.float32).reshape(1, 1, 1, size_in)
    out = F.interpolate(src, size=(1, size_out), mode='nearest')
    return [int(v) for v in out.reshape(-1).tolist()]


def bilinear_case(h: int, w: int, oh: int, ow: int) -> dict:
    gen = torch.Generator().manual_seed(h * 1000 + w * 100 + oh * 10 + ow)
    src = torch.rand((1, 1, h, w), generator=gen, dtype=torch.float32) * 2 - 1
    out = F.interpolate(src, size=(oh, ow), mode='bilinear', align_corners=False)
    return {'inHeight': h, 'inWidth': w, 'outHeight': oh, 'outWidth': ow,
            'input': src.reshape(-1).tolist(), 'output': out.reshape(-1).tolist()}


def instance_edges_case(h: int, w: int) -> dict:
    # SPADE's get_edges: compare each pixel with its right and lower neighbour, mark both sides.
    gen = torch.Generator().manual_seed(h * 100 + w)
    t = torch.randint(0, 3, (1, 1, h, w), generator=gen)
    edge = torch.zeros_like(t, dtype=torch.bool)
    edge[:, :, :, 1:] |= t[:, :, :, 1:] != t[:, :, :, :-1]
    edge[:, :, :, :-1] |= t[:, :, :, 1:] != t[:, :, :, :-1]
    edge[:, :, 1:, :] |= t[:, :, 1:, :] != t[:, :, :-1, :]
    edge[:, :, :-1, :] |= t[:, :, 1:, :] != t[:, :, :-1, :]
    return {'height': h, 'width': w, 'instances': t.reshape(-1).tolist(), 'edges': edge.int().reshape(-1).tolist()}


def main() -> None:
    data = {
        'generator': 'training/scripts/gen_nearest_fixture.py',
        'torch': torch.__version__,
        'nearest': [{'in': a, 'out': b, 'indices': nearest_indices(a, b)} for a, b in NEAREST_PAIRS],
        'bilinear': [bilinear_case(*c) for c in BILINEAR_CASES],
        'instanceEdges': [instance_edges_case(7, 9), instance_edges_case(1, 5), instance_edges_case(6, 1)],
    }
    OUT.write_text(json.dumps(data, separators=(',', ':')) + '\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
