"""Renders the synthetic landscape pairs once and caches them as uint8 tensors.

Training draws random crops from these tensors every step, so the renderer (numpy, slow next
to a tensor slice) runs once per (seed, count, size) and the cache is shared between runs.
Item i of a set is SyntheticLandscapes(seed=base)[i]; the evaluation sets use distinct bases
(EVAL_SEED_OFFSET, SEGMENTER_SEED_OFFSET), independent streams of scenes.
"""

from __future__ import annotations

import os
import sys
import time
from multiprocessing import get_context

import numpy as np
import torch

DEFAULT_CACHE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".cache")
# Held-out maps for evaluation and sample grids come from seeds far from the training ones.
EVAL_SEED_OFFSET = 10_000_000
SEGMENTER_SEED_OFFSET = 20_000_000

_DATASET = None  # the SyntheticLandscapes of the current render_pairs call (inherited by forked workers)


def _render_one(index: int) -> tuple[np.ndarray, np.ndarray]:
    labels, image = _DATASET[index]
    return np.asarray(labels, np.uint8), np.asarray(image, np.uint8)


def render_pairs(base_seed: int, count: int, size: int, cache_dir: str = DEFAULT_CACHE,
                 workers: int = 2, log=sys.stderr, texture_cache: str | None = None) -> dict:
    """{'labels': uint8 [N,H,W], 'images': uint8 [N,3,H,W], ...}: SyntheticLandscapes(seed=base_seed)
    items 0..count-1, cached under cache_dir/pairs (photo and procedural textures apart)."""
    global _DATASET
    from .data import SyntheticLandscapes

    dataset = SyntheticLandscapes(texture_cache, size=size, count=count, seed=base_seed)
    kind = "procedural" if dataset.textures.procedural else "photo"
    directory = os.path.join(cache_dir, "pairs")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"landscape-{kind}-s{base_seed}-n{count}-{size}px.pt")
    if os.path.exists(path):
        return torch.load(path, map_location="cpu")
    started = time.time()
    _DATASET = dataset
    jobs = list(range(count))
    labels = np.zeros((count, size, size), np.uint8)
    images = np.zeros((count, 3, size, size), np.uint8)
    if workers > 1 and count > 8:
        with get_context("fork").Pool(workers) as pool:
            results = pool.imap(_render_one, jobs, chunksize=4)
            for index, (label, image) in enumerate(results):
                labels[index], images[index] = label, image.transpose(2, 0, 1)
                if log and (index + 1) % 100 == 0:
                    print(f"rendered {index + 1}/{count} pairs ({time.time() - started:.0f}s)", file=log, flush=True)
    else:
        for index, job in enumerate(jobs):
            label, image = _render_one(job)
            labels[index], images[index] = label, image.transpose(2, 0, 1)
    pairs = {"labels": torch.from_numpy(labels), "images": torch.from_numpy(images),
             "seed": base_seed, "size": size, "textures": kind}
    torch.save(pairs, path + ".tmp")
    os.replace(path + ".tmp", path)
    if log:
        print(f"rendered {count} pairs at {size}px in {time.time() - started:.0f}s → {path}", file=log, flush=True)
    return pairs
