"""Pure metric helpers: confusion-matrix mIoU / pixel accuracy and the Fréchet distance."""

from __future__ import annotations

import numpy as np
import torch


def confusion_matrix(predicted: torch.Tensor, target: torch.Tensor, classes: int) -> torch.Tensor:
    """[classes, classes] counts (rows = target); target values >= classes are ignored."""
    predicted, target = predicted.reshape(-1).long(), target.reshape(-1).long()
    valid = target < classes
    index = target[valid] * classes + predicted[valid].clamp(0, classes - 1)
    return torch.bincount(index, minlength=classes * classes).reshape(classes, classes)


def segmentation_scores(confusion: torch.Tensor) -> dict:
    """mIoU over the classes present in the targets or predictions, and pixel accuracy."""
    confusion = confusion.double()
    true_positive = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - true_positive
    present = union > 0
    iou = true_positive[present] / union[present]
    return {
        "miou": float(iou.mean()) if present.any() else 0.0,
        "accuracy": float(true_positive.sum() / confusion.sum().clamp(min=1)),
    }


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """‖μa − μb‖² + tr(Σa) + tr(Σb) − 2·tr((Σa^½ Σb Σa^½)^½), in float64 via symmetric eigh."""
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2)
    cross = np.sqrt(np.clip(eigenvalues, 0, None)).sum()
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)
