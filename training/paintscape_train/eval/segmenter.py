"""A small CPU-cheap UNet segmenter used as the judge of generated images.

Trained from scratch on real synthesized photos (the training split), it answers two questions
about a generator: do its renders still read as the map they came from (mIoU / accuracy of the
segmenter on them), and do they look like the real photos to a network that learned what the
classes look like (Fréchet distance between pooled encoder features)? It is cached per data
config so every checkpoint is judged by the same network.
"""

from __future__ import annotations

import os
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

SEGMENTER_WIDTH = 16
SEGMENTER_STEPS = 1500
SEGMENTER_BATCH = 8
SEGMENTER_CROP = 128
SEGMENTER_LR = 2e-3
SEGMENTER_SEED = 4242


def conv_block(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class SmallUNet(nn.Module):
    """Four scales (1, ½, ¼, ⅛), widths w·(1, 2, 4, 8), skip connections, 1×1 class head."""

    def __init__(self, classes: int, width: int = SEGMENTER_WIDTH):
        super().__init__()
        self.enc1 = conv_block(3, width)
        self.enc2 = conv_block(width, 2 * width, stride=2)
        self.enc3 = conv_block(2 * width, 4 * width, stride=2)
        self.enc4 = conv_block(4 * width, 8 * width, stride=2)
        self.dec3 = conv_block(12 * width, 4 * width)
        self.dec2 = conv_block(6 * width, 2 * width)
        self.dec1 = conv_block(3 * width, width)
        self.head = nn.Conv2d(width, classes, 1)

    @staticmethod
    def _up_cat(x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return torch.cat([F.interpolate(x, size=skip.shape[-2:], mode="nearest"), skip], 1)

    def forward_with_features(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits [N,classes,H,W], features [N, 12w]: spatial means of the ¼ and ⅛ encoders)."""
        e1 = self.enc1(image)
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        e4 = self.enc4(e3)
        d3 = self.dec3(self._up_cat(e4, e3))
        d2 = self.dec2(self._up_cat(d3, e2))
        d1 = self.dec1(self._up_cat(d2, e1))
        features = torch.cat([e3.mean((2, 3)), e4.mean((2, 3))], 1)
        return self.head(d1), features

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.forward_with_features(image)[0]


def train_segmenter(labels: torch.Tensor, images: torch.Tensor, classes: int, steps: int = SEGMENTER_STEPS,
                    log=sys.stderr) -> SmallUNet:
    """Trains on random crops + flips of uint8 pairs (labels [N,H,W], images [N,3,H,W])."""
    from ..trainer import images_to_tensor, sample_batch

    torch.manual_seed(SEGMENTER_SEED)
    model = SmallUNet(classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=SEGMENTER_LR)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    rng = torch.Generator().manual_seed(SEGMENTER_SEED)
    crop = min(SEGMENTER_CROP, labels.shape[-1], labels.shape[-2])
    started = time.time()
    model.train()
    for step in range(steps):
        batch_labels, batch_images = sample_batch(labels, images, SEGMENTER_BATCH, crop, rng)
        target = batch_labels.long()
        target[target >= classes] = 255
        loss = F.cross_entropy(model(images_to_tensor(batch_images)), target, ignore_index=255)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if log and (step + 1) % 100 == 0:
            print(f"segmenter step {step + 1}/{steps} loss {loss.item():.3f} ({time.time() - started:.0f}s)",
                  file=log, flush=True)
    return model.eval()


def load_or_train_segmenter(pairs: dict, classes: int, cache_dir: str, steps: int = SEGMENTER_STEPS,
                            log=sys.stderr) -> SmallUNet:
    key = (f"segmenter-w{SEGMENTER_WIDTH}-s{steps}-{pairs.get('textures', 'photo')}"
           f"-d{pairs['seed']}-n{pairs['labels'].shape[0]}-{pairs['size']}px.pt")
    path = os.path.join(cache_dir, "segmenter", key)
    model = SmallUNet(classes)
    if os.path.exists(path):
        model.load_state_dict(torch.load(path, map_location="cpu"))
        return model.eval()
    with torch.enable_grad():  # callers evaluate under no_grad
        model = train_segmenter(pairs["labels"], pairs["images"], classes, steps, log=log)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(model.state_dict(), path + ".tmp")
    os.replace(path + ".tmp", path)
    return model
