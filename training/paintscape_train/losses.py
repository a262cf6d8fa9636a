"""SPADE losses: hinge GAN, discriminator feature matching, KL, and a pyramid L1.

The VGG perceptual loss of the paper needs ImageNet weights that are not available offline.
Our training pairs are exact (the photo is rendered from the map), so a pixel reconstruction
loss is well posed; an L1 over a 3-level average-pool pyramid weights the coarse colour layout
as much as the fine detail, and the discriminator's feature matching (×10) already plays the role
of a learned perceptual loss (pix2pixHD). Both are nearly free next to the generator.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

DiscriminatorOutputs = list[list[torch.Tensor]]


def hinge_discriminator_loss(real: DiscriminatorOutputs, fake: DiscriminatorOutputs) -> torch.Tensor:
    """mean(relu(1 − D(real))) + mean(relu(1 + D(fake))), averaged over scales."""
    total = real[0][-1].new_zeros(())
    for real_scale, fake_scale in zip(real, fake):
        total = total + F.relu(1 - real_scale[-1]).mean() + F.relu(1 + fake_scale[-1]).mean()
    return total / len(real)


def hinge_generator_loss(fake: DiscriminatorOutputs) -> torch.Tensor:
    """−mean(D(fake)), averaged over scales."""
    total = fake[0][-1].new_zeros(())
    for fake_scale in fake:
        total = total - fake_scale[-1].mean()
    return total / len(fake)


def feature_matching_loss(real: DiscriminatorOutputs, fake: DiscriminatorOutputs) -> torch.Tensor:
    """L1 between intermediate D features (all layers but the logits), averaged over scales."""
    total = fake[0][0].new_zeros(())
    for real_scale, fake_scale in zip(real, fake):
        for real_feature, fake_feature in zip(real_scale[:-1], fake_scale[:-1]):
            total = total + F.l1_loss(fake_feature, real_feature.detach())
    return total / len(real)


def kl_loss(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """−0.5·Σ(1 + logvar − μ² − exp(logvar)).

    SPADE sums over every element, batch included; we do the same so the 0.05 weight means what
    it means there.
    """
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def pyramid_l1_loss(fake: torch.Tensor, real: torch.Tensor, levels: int = 3) -> torch.Tensor:
    """Mean of L1 at full, ½ and ¼ resolution (average pooled)."""
    total = fake.new_zeros(())
    for level in range(levels):
        if level > 0:
            fake = F.avg_pool2d(fake, 2)
            real = F.avg_pool2d(real, 2)
        total = total + F.l1_loss(fake, real)
    return total / levels
