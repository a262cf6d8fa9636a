"""Regenerate packages/core/src/segmap/fixtures/png-cases.json.

Small PNGs written by an independent encoder (stdlib zlib + struct) covering every colour type,
every legal bit depth, all five filter types (row y uses filter y % 5) and Adam7 interlacing,
with the exact sample values they hold. Each file is also decoded with PIL as a cross-check.
Run: /usr/bin/python3 training/scripts/gen_png_fixtures.py
"""
import base64
import io
import json
import pathlib
import random
import struct
import zlib

from PIL import Image

OUT = pathlib.Path(__file__).resolve().parents[2] / 'packages/core/src/segmap/fixtures/png-cases.json'
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def pack_row(values, depth):
    if depth == 16:
        return b''.join(struct.pack('>H', v) for v in values)
    if depth == 8:
        return bytes(values)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(values), per):
        byte = 0
        group = values[i:i + per]
        for j, v in enumerate(group):
            byte |= v << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(rows, bpp):
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b''
    for y, row in enumerate(rows):
        f = y % 5
        out.append(f)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]
            out.append((x - pred) & 255)
        prev = row
    return bytes(out)


def encode(width, height, color_type, depth, samples, palette=None, trns=None, interlace=False):
    ch = CHANNELS[color_type]
    bpp = max(1, ch * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, width, dx))
        ys = list(range(y0, height, dy))
        if not xs or not ys:
            continue
        rows = []
        for y in ys:
            vals = []
            for x in xs:
                base = (y * width + x) * ch
                vals.extend(samples[base:base + ch])
            rows.append(pack_row(vals, depth))
        raw += filter_rows(rows, bpp)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, color_type, 0, 0, int(interlace)))
    if palette is not None:
        png += chunk(b'PLTE', bytes(palette))
    if trns is not None:
        png += chunk(b'tRNS', bytes(trns))
    # Two IDAT chunks: decoders must concatenate them.
    z = zlib.compress(bytes(raw), 9)
    half = len(z) // 2
    png += chunk(b'IDAT', z[:half]) + chunk(b'IDAT', z[half:]) + chunk(b'IEND', b'')
    return png


def main():
    rng = random.Random(20261203)
    cases = []
    specs = []
    for depth in (1, 2, 4, 8, 16):
        specs.append((f'gray{depth}', 0, depth, False))
    for depth in (1, 2, 4, 8):
        specs.append((f'indexed{depth}', 3, depth, False))
    for depth in (8, 16):
        specs += [(f'gray-alpha{depth}', 4, depth, False), (f'rgb{depth}', 2, depth, False), (f'rgba{depth}', 6, depth, False)]
    specs += [('indexed8-adam7', 3, 8, True), ('rgb8-adam7', 2, 8, True), ('gray2-adam7', 0, 2, True)]
    for name, ct, depth, interlace in specs:
        width, height = 13, 11  # odd sizes exercise partial bytes and empty Adam7 passes
        ch = CHANNELS[ct]
        maxv = (1 << depth) - 1
        if ct == 3:
            maxv = min(maxv, 12)  # landscape-sized palettes
        samples = [rng.randint(0, maxv) for _ in range(width * height * ch)]
        palette = None
        trns = None
        if ct == 3:
            n = maxv + 1
            palette = [rng.randint(0, 255) for _ in range(n * 3)]
            trns = [255] * (n - 1) + [0]
        png = encode(width, height, ct, depth, samples, palette, trns, interlace)
        check = Image.open(io.BytesIO(png))
        check.load()  # PIL must accept the file
        if ct == 3 or depth == 8:
            got = [v for px in check.getdata() for v in (px if isinstance(px, tuple) else (px,))]
            assert got == samples, f'PIL reads {name} differently'
        cases.append({'name': name, 'width': width, 'height': height, 'colorType': ct, 'bitDepth': depth,
                      'interlaced': interlace, 'samples': samples, 'palette': palette, 'paletteAlpha': trns,
                      'png': base64.b64encode(png).decode('ascii')})
    OUT.write_text(json.dumps({'generator': 'training/scripts/gen_png_fixtures.py', 'cases': cases}, separators=(',', ':')) + '\n')
    print(f'wrote {len(cases)} cases to {OUT}')


if __name__ == '__main__':
    main()
