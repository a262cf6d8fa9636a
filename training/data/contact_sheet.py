"""Write a 4x4 contact sheet of synthesized scenes (photo | colourised labels) for eyeballing.

/usr/bin/python3 training/data/contact_sheet.py --out training/out/synth-contact.png [--seed 0]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paintscape_train.data import load_textures, render_scene, scene_seed  # noqa: E402

# Display colours only (the label ids are what matters).
COLOURS = np.array([
    (135, 190, 240), (240, 240, 245), (120, 100, 110), (110, 150, 60), (128, 128, 128),
    (255, 255, 255), (30, 80, 200), (60, 200, 60), (20, 90, 20), (150, 200, 40),
    (240, 60, 200), (230, 210, 140), (130, 90, 50)] + [(0, 0, 0)] * 243, np.uint8)

parser = argparse.ArgumentParser()
parser.add_argument("--out", type=Path, required=True)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--size", type=int, default=256)
parser.add_argument("--procedural", action="store_true")
parser.add_argument("--labels", action="store_true", help="show label maps beside the photos")
args = parser.parse_args()
textures = load_textures(procedural=args.procedural)
cols = 8 if args.labels else 4
sheet = Image.new("RGB", (cols * args.size, 4 * args.size))
draw = ImageDraw.Draw(sheet)
started = time.perf_counter()
for i in range(16):
    labels, image, style = render_scene(scene_seed(args.seed, i), args.size, textures, return_style=True)
    x = (i % 4) * args.size * (2 if args.labels else 1)
    y = (i // 4) * args.size
    sheet.paste(Image.fromarray(image), (x, y))
    if args.labels:
        sheet.paste(Image.fromarray(COLOURS[labels]), (x + args.size, y))
    draw.text((x + 3, y + 3), style.describe(), fill=(255, 255, 0))
elapsed = (time.perf_counter() - started) / 16
args.out.parent.mkdir(parents=True, exist_ok=True)
sheet.save(args.out)
print(f"{args.out}: {elapsed:.3f} s/scene ({'procedural' if textures.procedural else 'photo'})")
