"""SPADE's weight init: xavier-normal with gain 0.02 for conv/linear, zero bias; BN weight N(1, 0.02)."""
from __future__ import annotations

from torch import nn
from torch.nn import init

INIT_GAIN = 0.02


def init_weights(module: nn.Module, gain: float = INIT_GAIN) -> nn.Module:
    """Initializes every Conv/Linear (incl. spectral-normed ones via weight_orig) in place; returns module."""
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            if m.weight is not None:
                init.normal_(m.weight.data, 1.0, gain)
            if m.bias is not None:
                init.constant_(m.bias.data, 0.0)
        elif isinstance(m, (nn.Conv2d, nn.Linear, nn.ConvTranspose2d)):
            weight = getattr(m, "weight_orig", None)  # torch.nn.utils.spectral_norm
            if weight is None:
                weight = m.weight
            init.xavier_normal_(weight.data, gain=gain)
            if m.bias is not None:
                init.constant_(m.bias.data, 0.0)
    return module
