"""Label colourizing and image grids (PIL) for sample sheets."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

# core's `landscape` label colours (packages/core/src/labels/sets/landscape.ts), so sample sheets
# show maps as the painting UI does; don't care → dark grey.
PALETTE = np.array(
    [
        [117, 172, 235], [196, 206, 228], [112, 82, 168], [180, 186, 76], [146, 136, 136],
        [252, 252, 255], [36, 100, 196], [100, 200, 60], [26, 100, 40], [60, 150, 110],
        [232, 96, 168], [240, 214, 140], [140, 86, 46],
    ],
    dtype=np.uint8,
)
DONT_CARE_COLOUR = np.array([64, 64, 64], np.uint8)


def colorize(labels: torch.Tensor | np.ndarray) -> np.ndarray:
    """Labels [H,W] → uint8 RGB [H,W,3]."""
    labels = np.asarray(labels).astype(np.int64)
    out = np.empty(labels.shape + (3,), np.uint8)
    out[:] = DONT_CARE_COLOUR
    valid = labels < len(PALETTE)
    out[valid] = PALETTE[labels[valid]]
    return out


def chw_to_hwc(image: torch.Tensor | np.ndarray) -> np.ndarray:
    array = image.numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    return array.transpose(1, 2, 0)


def grid(rows: list[list[np.ndarray]], gap: int = 2) -> Image.Image:
    """Rows of equally sized HWC uint8 tiles → one PIL image with `gap` white pixels between."""
    tile_h, tile_w = rows[0][0].shape[:2]
    columns = max(len(row) for row in rows)
    sheet = np.full(
        (len(rows) * (tile_h + gap) - gap, columns * (tile_w + gap) - gap, 3), 255, np.uint8
    )
    for r, row in enumerate(rows):
        for c, tile in enumerate(row):
            y, x = r * (tile_h + gap), c * (tile_w + gap)
            sheet[y:y + tile_h, x:x + tile_w] = tile
    return Image.fromarray(sheet)
