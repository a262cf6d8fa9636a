"""User-supplied (label map, photo) datasets on disk, torch-free.

Layouts:
- 'pairs':      root/images/<stem>.{jpg,jpeg,png} + root/labels/<stem>.png (landscape ids, 255 = unlabeled)
- 'ade20k':     root/ADEChallengeData2016/images/training/*.jpg +
                root/ADEChallengeData2016/annotations/training/*.png (0 = other -> don't care)
- 'coco-stuff': root/train2017/*.jpg + root/stuffthingmaps_trainval2017/train2017/*.png
                (255 = unlabeled)
ADE20K and COCO-Stuff ids are mapped onto the landscape set by default (label_map='landscape';
classes without a landscape counterpart become 255); label_map='raw' keeps the dataset's ids
(ADE20K shifted down by one so 0 = wall, 0 -> 255).
Each item is resized so its shorter side is `size` (bilinear for images, NEAREST for labels)
and centre-cropped to size x size.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .synth import (BUSH, CLOUD, DIRT, FLOWER, GRASS, HILL, MOUNTAIN, ROCK, SAND, SKY, SNOW, TREE,
                    UNLABELED, WATER)

LAYOUTS = ("pairs", "ade20k", "coco-stuff")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")

# ADE20K SceneParsing ids (1-based, objectInfo150) -> landscape ids.
ADE20K_TO_LANDSCAPE = {
    3: SKY, 17: MOUNTAIN, 69: HILL, 35: ROCK, 22: WATER, 27: WATER, 61: WATER, 129: WATER,
    114: WATER, 10: GRASS, 30: GRASS, 5: TREE, 73: TREE, 18: BUSH, 67: FLOWER, 47: SAND,
    14: DIRT, 92: DIRT, 95: DIRT, 53: DIRT,
}
# COCO-Stuff stuffthingmaps ids (0-based: id - 1 of labels.txt) -> landscape ids.
COCO_STUFF_TO_LANDSCAPE = {
    156: SKY, 105: CLOUD, 134: MOUNTAIN, 126: HILL, 149: ROCK, 161: ROCK, 158: SNOW,
    177: WATER, 154: WATER, 147: WATER, 123: GRASS, 168: TREE, 96: BUSH, 141: BUSH,
    118: FLOWER, 153: SAND, 110: DIRT, 135: DIRT, 124: DIRT,
}


def _lookup_table(mapping: dict) -> np.ndarray:
    table = np.full(256, UNLABELED, np.uint8)
    for source, target in mapping.items():
        table[source] = target
    return table


_ADE_RAW = np.concatenate([[UNLABELED], np.arange(255)]).astype(np.uint8)  # 0 -> 255, k -> k-1


class PairFolderDataset:
    """(labels uint8 HxW, image uint8 HxWx3) pairs read from a folder layout (see module doc)."""

    def __init__(self, root, layout: str = "pairs", size: int = 256, split: str = "training",
                 label_map: str = "landscape"):
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
        if label_map not in ("landscape", "raw"):
            raise ValueError(f"label_map must be 'landscape' or 'raw', got {label_map!r}")
        if int(size) < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        self.root = Path(root)
        self.layout = layout
        self.size = int(size)
        if layout == "pairs":
            image_dir, label_dir = self.root / "images", self.root / "labels"
            self.table = None
        elif layout == "ade20k":
            base = self.root / "ADEChallengeData2016"
            image_dir, label_dir = base / "images" / split, base / "annotations" / split
            self.table = _lookup_table(ADE20K_TO_LANDSCAPE) if label_map == "landscape" else _ADE_RAW
        else:
            coco_split = "train2017" if split == "training" else split
            image_dir = self.root / coco_split
            label_dir = self.root / "stuffthingmaps_trainval2017" / coco_split
            self.table = (_lookup_table(COCO_STUFF_TO_LANDSCAPE) if label_map == "landscape"
                          else None)
        for folder, what in ((image_dir, "image"), (label_dir, "label")):
            if not folder.is_dir():
                raise FileNotFoundError(f"{layout} layout: {what} folder {folder} does not exist")
        labels = {p.stem: p for p in label_dir.iterdir() if p.suffix.lower() == ".png"}
        self.pairs = sorted(
            (p, labels[p.stem]) for p in image_dir.iterdir()
            if p.suffix.lower() in IMAGE_EXTENSIONS and p.stem in labels)
        if not self.pairs:
            raise FileNotFoundError(f"{layout} layout: no image/label pairs with matching stems "
                                    f"in {image_dir} and {label_dir}")

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int):
        image_path, label_path = self.pairs[index]
        with Image.open(image_path) as image:
            image = image.convert("RGB")
            with Image.open(label_path) as label_image:
                if label_image.mode not in ("L", "P"):
                    raise ValueError(f"{label_path}: label maps must be 8-bit grayscale or "
                                     f"indexed PNG, got mode {label_image.mode}")
                # 'P' keeps palette indices (the class ids); convert() would map to colours.
                labels = np.asarray(label_image)
        if labels.shape != (image.height, image.width):
            raise ValueError(f"{label_path}: label size {labels.shape[::-1]} differs from image "
                             f"size {image.size}")
        if self.table is not None:
            labels = self.table[labels]
        return _resize_crop(labels, image, self.size)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


def _resize_crop(labels: np.ndarray, image: Image.Image, size: int):
    w, h = image.size
    scale = size / min(w, h)
    new_w, new_h = max(size, round(w * scale)), max(size, round(h * scale))
    image = image.resize((new_w, new_h), Image.Resampling.BILINEAR)
    label_image = Image.fromarray(labels, "L").resize((new_w, new_h), Image.Resampling.NEAREST)
    left, top = (new_w - size) // 2, (new_h - size) // 2
    box = (left, top, left + size, top + size)
    return (np.asarray(label_image.crop(box), dtype=np.uint8),
            np.asarray(image.crop(box), dtype=np.uint8))
