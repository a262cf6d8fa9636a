"""Two-scale PatchGAN discriminator (pix2pixHD / SPADE layout), training only.

Each scale: 4×4 convs with padding 2, widths ndf→2ndf→4ndf→8ndf, strides 2,2,2,1, then a
1-channel 4×4 conv. The first layer has no norm; the others use spectral norm + instance norm.
Every layer's output is returned so the generator loss can do feature matching.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import spectral_norm

LEAKY_SLOPE = 0.2
KERNEL = 4
PADDING = 2


class NLayerDiscriminator(nn.Module):
    """One PatchGAN scale; forward returns the list of every layer's output (last = logits)."""

    def __init__(self, in_channels: int, ndf: int, layers: int = 4, spectral: bool = True):
        super().__init__()
        wrap = spectral_norm if spectral else (lambda m: m)
        blocks: list[nn.Module] = [
            nn.Sequential(
                nn.Conv2d(in_channels, ndf, KERNEL, stride=2, padding=PADDING),
                nn.LeakyReLU(LEAKY_SLOPE),
            )
        ]
        width = ndf
        for index in range(1, layers):
            next_width = min(width * 2, ndf * 8)
            # The last feature layer keeps the resolution (stride 1), as in pix2pixHD.
            stride = 1 if index == layers - 1 else 2
            blocks.append(
                nn.Sequential(
                    wrap(nn.Conv2d(width, next_width, KERNEL, stride=stride, padding=PADDING, bias=False)),
                    nn.InstanceNorm2d(next_width, affine=False),
                    nn.LeakyReLU(LEAKY_SLOPE),
                )
            )
            width = next_width
        blocks.append(nn.Sequential(nn.Conv2d(width, 1, KERNEL, stride=1, padding=PADDING)))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outputs = []
        for block in self.blocks:
            x = block(x)
            outputs.append(x)
        return outputs


class MultiscaleDiscriminator(nn.Module):
    """`scales` PatchGANs; scale k sees the input after k 3×3/2 average pools."""

    def __init__(self, semantic_channels: int, ndf: int = 64, layers: int = 4, scales: int = 2,
                 spectral: bool = True):
        super().__init__()
        in_channels = semantic_channels + 3
        self.scales = nn.ModuleList(
            [NLayerDiscriminator(in_channels, ndf, layers, spectral) for _ in range(scales)]
        )

    def forward(self, seg_onehot: torch.Tensor, image: torch.Tensor) -> list[list[torch.Tensor]]:
        x = torch.cat([seg_onehot, image], dim=1)
        results = []
        for index, scale in enumerate(self.scales):
            if index > 0:
                x = F.avg_pool2d(x, kernel_size=3, stride=2, padding=1, count_include_pad=False)
            results.append(scale(x))
        return results
