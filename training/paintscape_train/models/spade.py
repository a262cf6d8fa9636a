"""SPADE normalization and the SPADE residual block (Park et al. 2019).

Module and parameter names follow the NVlabs/SPADE checkpoints so that a state dict of
these modules has the same keys as `latest_net_G.pth` (see shared/notes/spade-reference.md).
Works with torch 1.13 and 2.x.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm as _spectral_norm

LEAKY_SLOPE = 0.2
NORM_EPS = 1e-5


class SPADE(nn.Module):
    """out = param_free_norm(x) * (1 + gamma(seg)) + beta(seg).

    `norm` is 'instance' (InstanceNorm2d, affine False) or 'batch' (BatchNorm2d, affine False,
    running statistics at eval: the official generator's norm, folded away at export).
    """

    def __init__(self, norm_nc: int, label_nc: int, hidden: int, norm: str = "instance"):
        super().__init__()
        if norm == "instance":
            self.param_free_norm = nn.InstanceNorm2d(norm_nc, affine=False, eps=NORM_EPS)
        elif norm == "batch":
            self.param_free_norm = nn.BatchNorm2d(norm_nc, affine=False, eps=NORM_EPS)
        else:
            raise ValueError(f"norm must be 'instance' or 'batch', got {norm!r}")
        self.mlp_shared = nn.Sequential(nn.Conv2d(label_nc, hidden, 3, padding=1), nn.ReLU())
        self.mlp_gamma = nn.Conv2d(hidden, norm_nc, 3, padding=1)
        self.mlp_beta = nn.Conv2d(hidden, norm_nc, 3, padding=1)

    def forward(self, x: torch.Tensor, seg: torch.Tensor) -> torch.Tensor:
        normalized = self.param_free_norm(x)
        if seg.shape[-2:] != x.shape[-2:]:
            # Nearest like the official; for integer factors this picks seg[..., ::k, ::k].
            seg = F.interpolate(seg, size=x.shape[-2:], mode="nearest")
        actv = self.mlp_shared(seg)
        return normalized * (1 + self.mlp_gamma(actv)) + self.mlp_beta(actv)


class SPADEResnetBlock(nn.Module):
    """Residual block: dx = conv_1(lrelu(norm_1(conv_0(lrelu(norm_0(x)))))); shortcut learned when fin != fout."""

    def __init__(
        self,
        fin: int,
        fout: int,
        label_nc: int,
        hidden: int,
        norm: str = "instance",
        spectral: bool = False,
    ):
        super().__init__()
        self.learned_shortcut = fin != fout
        fmiddle = min(fin, fout)
        wrap = _spectral_norm if spectral else (lambda m: m)
        self.conv_0 = wrap(nn.Conv2d(fin, fmiddle, 3, padding=1))
        self.conv_1 = wrap(nn.Conv2d(fmiddle, fout, 3, padding=1))
        if self.learned_shortcut:
            self.conv_s = wrap(nn.Conv2d(fin, fout, 1, bias=False))
        self.norm_0 = SPADE(fin, label_nc, hidden, norm)
        self.norm_1 = SPADE(fmiddle, label_nc, hidden, norm)
        if self.learned_shortcut:
            self.norm_s = SPADE(fin, label_nc, hidden, norm)

    def forward(self, x: torch.Tensor, seg: torch.Tensor) -> torch.Tensor:
        x_s = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), LEAKY_SLOPE))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), LEAKY_SLOPE))
        return x_s + dx
