"""SPADE's ConvEncoder (the VAE image encoder). `cfg` is an EncoderConfig dict (ndf, zDim, inputSize).

Names match NVlabs/SPADE `latest_net_E.pth`: layerN.0 (conv, no bias), layerN.1 (InstanceNorm2d),
fc_mu, fc_var. The reference of packages/core/src/graph (buildEncoder).
"""
from __future__ import annotations

from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm as _spectral_norm

from .spade import LEAKY_SLOPE, NORM_EPS

ENCODER_LAYERS = 6
# layer6's instance norm needs more than one pixel per channel: at inputSize 64 it sees 1×1 and
# outputs zeros (and torch refuses to train it), so mu/logvar would not depend on the image.
MIN_ENCODER_INPUT_SIZE = 128


def encoder_widths(ndf: int) -> list:
    """Channel widths 3 → ndf → 2ndf → 4ndf → 8ndf → 8ndf → 8ndf."""
    return [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]


class ConvEncoder(nn.Module):
    def __init__(self, cfg: dict, spectral: bool = False):
        super().__init__()
        for key in ("ndf", "zDim", "inputSize"):
            if key not in cfg:
                raise ValueError(f"EncoderConfig is missing {key}")
        self.cfg = dict(cfg)
        ndf, z_dim, input_size = int(cfg["ndf"]), int(cfg["zDim"]), int(cfg["inputSize"])
        if input_size < MIN_ENCODER_INPUT_SIZE:
            raise ValueError(
                f"inputSize must be at least {MIN_ENCODER_INPUT_SIZE} (layer6 would be 1x1), got {input_size}"
            )
        if input_size % 2**ENCODER_LAYERS:
            raise ValueError(f"inputSize must be a multiple of {2**ENCODER_LAYERS}, got {input_size}")
        if z_dim <= 0:
            raise ValueError(f"zDim must be positive, got {z_dim}")
        widths = encoder_widths(ndf)
        wrap = _spectral_norm if spectral else (lambda m: m)
        for i in range(ENCODER_LAYERS):
            conv = wrap(nn.Conv2d(widths[i], widths[i + 1], 3, stride=2, padding=1, bias=False))
            norm = nn.InstanceNorm2d(widths[i + 1], affine=False, eps=NORM_EPS)
            self.add_module(f"layer{i + 1}", nn.Sequential(conv, norm))
        self.final_size = input_size // 2**ENCODER_LAYERS
        features = widths[-1] * self.final_size * self.final_size
        self.fc_mu = nn.Linear(features, z_dim)
        self.fc_var = nn.Linear(features, z_dim)

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        size = self.cfg["inputSize"]
        if image.shape[-2:] != (size, size):
            raise ValueError(f"image must be {size}x{size}, got {tuple(image.shape[-2:])}")
        x = self.layer1(image)
        for i in range(2, ENCODER_LAYERS + 1):
            x = getattr(self, f"layer{i}")(F.leaky_relu(x, LEAKY_SLOPE))
        x = F.leaky_relu(x, LEAKY_SLOPE)
        x = x.reshape(x.shape[0], -1)
        return self.fc_mu(x), self.fc_var(x)

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """z = mu + exp(0.5·logvar)·eps."""
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
