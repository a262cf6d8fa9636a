"""Evaluates a generator on held-out maps.

    python3 -m paintscape_train.eval --run training/runs/NAME [--checkpoint PATH] [--maps 300]

Metrics (printed as JSON; export.py writes them to model.json provenance.metrics):
- realMiou / realAccuracy: the segmenter on the real photos of the held-out maps (its ceiling);
- generatedMiou / generatedAccuracy: on the generator's renders of the same maps (random style);
- floorMiou / floorAccuracy: on the floor baseline, each class filled with its mean training colour;
- generatedFd / floorFd: Fréchet distance to the real photos in the segmenter's feature space;
- diversity: mean pairwise L1 (pixel values in [0, 1]) between renders of one map under
  DIVERSITY_SEEDS style seeds, averaged over `diversityMaps` maps;
- miouRatio = generated / real mIoU (bar ≥ 0.8) and fdRatio = generated / floor FD (bar ≤ 0.5).
"""

from __future__ import annotations

import itertools
import sys
import time

import numpy as np
import torch

from ..dataset_cache import DEFAULT_CACHE, EVAL_SEED_OFFSET, render_pairs
from ..models import UPSAMPLINGS
from ..trainer import images_to_tensor, labels_to_onehot
from .metrics import confusion_matrix, frechet_distance, segmentation_scores
from .segmenter import SEGMENTER_STEPS, load_or_train_segmenter

EVAL_SET_SIZE = 300
DIVERSITY_SEEDS = 8
DIVERSITY_MAPS = 20
EVAL_BATCH = 4
STYLE_SEED = 777
MIOU_BAR = 0.8
FD_BAR = 0.5


def class_mean_colours(pairs: dict, classes: int) -> torch.Tensor:
    """[classes, 3] mean RGB (float, [-1, 1]) of each class over the training photos."""
    labels = pairs["labels"].reshape(-1).long()
    images = pairs["images"].permute(1, 0, 2, 3).reshape(3, -1).double()
    counts = torch.bincount(labels, minlength=256)[:classes].clamp(min=1).double()
    sums = torch.stack([torch.bincount(labels, weights=images[c], minlength=256)[:classes] for c in range(3)], 1)
    return (sums / counts[:, None] / 127.5 - 1.0).float()


def floor_images(labels: torch.Tensor, colours: torch.Tensor) -> torch.Tensor:
    index = labels.long().clamp(max=colours.shape[0] - 1)
    return colours[index].permute(0, 3, 1, 2).contiguous()


@torch.no_grad()
def evaluate_model(model, config: dict, maps: int = 300, log=sys.stderr,
                   diversity_maps: int = DIVERSITY_MAPS) -> dict:
    """`model` has render(seg, z) → [-1, 1] images and generator_config (a trainer or ExportedModel)."""
    started = time.time()
    data = config["data"]
    cache = data.get("cacheDir") or DEFAULT_CACHE
    generator_config = model.generator_config
    classes = int(generator_config["labelChannels"])
    z_dim = int(generator_config["zDim"])
    train_pairs = render_pairs(int(data["seed"]), int(data["count"]), int(data["size"]), cache)
    # One cached held-out set of at least EVAL_SET_SIZE maps; smaller evaluations use its first maps.
    set_size = max(maps, int(config.get("eval", {}).get("setSize", EVAL_SET_SIZE)))
    held_out = render_pairs(int(data["seed"]) + EVAL_SEED_OFFSET, set_size, int(data["size"]), cache)
    multiple = 2 ** UPSAMPLINGS[generator_config["upsampling"]]
    size = int(data["size"]) // multiple * multiple
    labels = held_out["labels"][:maps, :size, :size]
    images = held_out["images"][:maps, :, :size, :size]
    segmenter_steps = int(config.get("eval", {}).get("segmenterSteps", SEGMENTER_STEPS))
    segmenter = load_or_train_segmenter(train_pairs, classes, cache, segmenter_steps, log=log)
    colours = class_mean_colours(train_pairs, classes)
    style_rng = torch.Generator().manual_seed(STYLE_SEED)

    confusions = {kind: torch.zeros(classes, classes, dtype=torch.long) for kind in ("real", "generated", "floor")}
    features = {kind: [] for kind in confusions}
    for begin in range(0, maps, EVAL_BATCH):
        batch_labels = labels[begin:begin + EVAL_BATCH]
        seg = labels_to_onehot(batch_labels.long(), generator_config)
        z = torch.randn(batch_labels.shape[0], z_dim, generator=style_rng) if z_dim else None
        inputs = {
            "real": images_to_tensor(images[begin:begin + EVAL_BATCH]),
            "generated": model.render(seg, z).float().cpu(),
            "floor": floor_images(batch_labels, colours),
        }
        for kind, batch in inputs.items():
            logits, pooled = segmenter.forward_with_features(batch)
            confusions[kind] += confusion_matrix(logits.argmax(1), batch_labels, classes)
            features[kind].append(pooled.numpy())
    metrics: dict[str, float] = {}
    for kind, confusion in confusions.items():
        scores = segmentation_scores(confusion)
        metrics[f"{kind}Miou"] = round(scores["miou"], 4)
        metrics[f"{kind}Accuracy"] = round(scores["accuracy"], 4)
    real_features = np.concatenate(features["real"])
    metrics["generatedFd"] = round(frechet_distance(real_features, np.concatenate(features["generated"])), 4)
    metrics["floorFd"] = round(frechet_distance(real_features, np.concatenate(features["floor"])), 4)

    # Diversity: renders of one map under DIVERSITY_SEEDS styles, mean pairwise L1 in [0, 1] units.
    distances = []
    if z_dim:
        for index in range(min(diversity_maps, maps)):
            seg = labels_to_onehot(labels[index:index + 1].long(), generator_config).repeat(DIVERSITY_SEEDS, 1, 1, 1)
            z = torch.randn(DIVERSITY_SEEDS, z_dim, generator=torch.Generator().manual_seed(STYLE_SEED + index))
            renders = (model.render(seg, z).float().cpu() + 1) / 2
            for a, b in itertools.combinations(range(DIVERSITY_SEEDS), 2):
                distances.append(float((renders[a] - renders[b]).abs().mean()))
    metrics["diversity"] = round(float(np.mean(distances)) if distances else 0.0, 5)
    metrics["miouRatio"] = round(metrics["generatedMiou"] / max(metrics["realMiou"], 1e-9), 4)
    metrics["fdRatio"] = round(metrics["generatedFd"] / max(metrics["floorFd"], 1e-9), 4)
    metrics["evalMaps"] = maps
    metrics["diversityMaps"] = min(diversity_maps, maps) if z_dim else 0
    metrics["evalSeconds"] = round(time.time() - started, 1)
    return metrics


def passes_bar(metrics: dict) -> dict:
    return {"miou": metrics["miouRatio"] >= MIOU_BAR, "fd": metrics["fdRatio"] <= FD_BAR}
