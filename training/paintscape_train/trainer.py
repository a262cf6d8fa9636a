"""SPADE trainer: networks, optimizers, one training iteration, checkpoints.

One iteration = one generator step then one discriminator step that reuses the generator's fake
batch (one G forward per iteration instead of two: ~−33% on CPU). Every random draw of an
iteration (batch indices, crops, flips, the VAE noise) comes from a torch.Generator seeded by
(seed, step), so a resumed run replays exactly the draws an uninterrupted run would make.
"""

from __future__ import annotations

import copy
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .discriminator import MultiscaleDiscriminator
from .ema import ModelEma
from .losses import (
    feature_matching_loss,
    hinge_discriminator_loss,
    hinge_generator_loss,
    kl_loss,
    pyramid_l1_loss,
)
from .models import ConvEncoder, SPADEGenerator, init_weights

# Per-step seeds mix the run seed and the step with a large odd multiplier.
STEP_SEED_MULTIPLIER = 1_000_003
CHECKPOINT_NAME = "latest.pt"


def semantic_channels(generator_config: dict) -> int:
    return SPADEGenerator.semantic_channels(generator_config)


def labels_to_onehot(labels: torch.Tensor, generator_config: dict) -> torch.Tensor:
    """Integer labels [N,H,W] (255 = don't care) → float one-hot [N,C,H,W] (+ edge channel)."""
    classes = int(generator_config["labelChannels"])
    channels = semantic_channels(generator_config)
    labels = labels.long()
    index = labels.clone()
    dont_care = labels >= classes
    if generator_config["dontCareChannel"]:
        index[dont_care] = classes
    else:
        index[dont_care] = 0  # no channel for it: counted as the first class
    onehot = torch.zeros(labels.shape[0], channels, *labels.shape[1:], device=labels.device)
    onehot.scatter_(1, index.unsqueeze(1), 1.0)
    if generator_config["instanceEdgeChannel"]:
        # No instance maps in our data: label boundaries stand in for instance edges.
        edge = torch.zeros_like(labels, dtype=torch.bool)
        edge[:, :, 1:] |= labels[:, :, 1:] != labels[:, :, :-1]
        edge[:, :, :-1] |= labels[:, :, 1:] != labels[:, :, :-1]
        edge[:, 1:, :] |= labels[:, 1:, :] != labels[:, :-1, :]
        edge[:, :-1, :] |= labels[:, 1:, :] != labels[:, :-1, :]
        onehot[:, channels - 1] = edge.float()
    return onehot


def images_to_tensor(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 [N,3,H,W] → float in [-1, 1]."""
    return images_uint8.float() / 127.5 - 1.0


def tensor_to_images(images: torch.Tensor) -> torch.Tensor:
    """float [-1, 1] → uint8 [N,3,H,W]."""
    return ((images.detach().clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8).cpu()


@dataclass
class Batch:
    labels: torch.Tensor  # long [N,H,W]
    seg: torch.Tensor  # float one-hot [N,C,H,W]
    image: torch.Tensor  # float [N,3,H,W] in [-1, 1]


def sample_batch(labels: torch.Tensor, images: torch.Tensor, batch_size: int, crop: int,
                 generator: torch.Generator, flip: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Random items, random crop and horizontal flip; labels [N,H,W] uint8, images [N,3,H,W] uint8."""
    count, height, width = labels.shape
    picks = torch.randint(0, count, (batch_size,), generator=generator)
    tops = torch.randint(0, height - crop + 1, (batch_size,), generator=generator)
    lefts = torch.randint(0, width - crop + 1, (batch_size,), generator=generator)
    flips = torch.rand(batch_size, generator=generator) < 0.5
    out_labels, out_images = [], []
    for pick, top, left, do_flip in zip(picks.tolist(), tops.tolist(), lefts.tolist(), flips.tolist()):
        label = labels[pick, top:top + crop, left:left + crop]
        image = images[pick, :, top:top + crop, left:left + crop]
        if flip and do_flip:
            label, image = label.flip(-1), image.flip(-1)
        out_labels.append(label)
        out_images.append(image)
    return torch.stack(out_labels), torch.stack(out_images)


class SpadeTrainer:
    """Owns G (+E), D, their optimizers, the EMA of G and the step counter."""

    def __init__(self, config: dict, device: str = "cpu"):
        self.config = copy.deepcopy(config)
        self.device = torch.device(device)
        seed = int(config["seed"])
        torch.manual_seed(seed)
        random.seed(seed)
        np.random.seed(seed % 2**32)
        self.generator_config = config["generator"]
        model_config = config.get("model", {})
        self.generator = init_weights(
            SPADEGenerator(self.generator_config, spectral=bool(model_config.get("generatorSpectral", False)))
        ).to(self.device)
        self.encoder = None
        if config.get("encoder"):
            self.encoder = init_weights(
                ConvEncoder(config["encoder"], spectral=bool(model_config.get("encoderSpectral", True)))
            ).to(self.device)
        disc = config["discriminator"]
        self.discriminator = init_weights(
            MultiscaleDiscriminator(
                semantic_channels(self.generator_config), ndf=int(disc["ndf"]),
                layers=int(disc.get("layers", 4)), scales=int(disc.get("scales", 2)),
            )
        ).to(self.device)
        optim = config["optim"]
        betas = (float(optim["beta1"]), float(optim["beta2"]))
        g_params = list(self.generator.parameters())
        if self.encoder is not None:
            g_params += list(self.encoder.parameters())
        self.optimizer_g = torch.optim.Adam(g_params, lr=float(optim["lrG"]), betas=betas)
        self.optimizer_d = torch.optim.Adam(self.discriminator.parameters(), lr=float(optim["lrD"]), betas=betas)
        self.ema = ModelEma(self.generator, float(config["train"]["emaDecay"]))
        self.step = 0
        self.wall_seconds = 0.0

    # ----- one iteration -------------------------------------------------------------------
    def step_generator(self, step: int) -> torch.Generator:
        return torch.Generator().manual_seed(int(self.config["seed"]) * STEP_SEED_MULTIPLIER + step)

    def make_batch(self, labels: torch.Tensor, images: torch.Tensor, rng: torch.Generator) -> Batch:
        train = self.config["train"]
        crop_labels, crop_images = sample_batch(labels, images, int(train["batch"]), int(train["crop"]), rng)
        crop_labels = crop_labels.to(self.device)
        return Batch(
            labels=crop_labels,
            seg=labels_to_onehot(crop_labels, self.generator_config),
            image=images_to_tensor(crop_images.to(self.device)),
        )

    def encode(self, image: torch.Tensor, rng: torch.Generator):
        """Encoder on the image resized to its input size; returns (z, mu, logvar)."""
        size = int(self.config["encoder"]["inputSize"])
        if image.shape[-1] != size or image.shape[-2] != size:
            image = F.interpolate(image, size=(size, size), mode="bilinear", align_corners=False)
        mu, logvar = self.encoder(image)
        noise = torch.randn(mu.shape, generator=rng).to(self.device)
        return mu + torch.exp(0.5 * logvar) * noise, mu, logvar

    def train_step(self, labels: torch.Tensor, images: torch.Tensor) -> dict:
        """One G step and one D step on a batch drawn from the uint8 tensors; returns the losses."""
        weights = self.config["loss"]
        rng = self.step_generator(self.step)
        batch = self.make_batch(labels, images, rng)
        self.generator.train()
        losses: dict[str, torch.Tensor] = {}

        # Generator step: D's parameters need no gradients here.
        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(False)
        z = None
        if self.encoder is not None:
            z, mu, logvar = self.encode(batch.image, rng)
            losses["kl"] = kl_loss(mu, logvar) * float(weights["kl"])
        elif int(self.generator_config["zDim"]) > 0:
            z = torch.randn(batch.image.shape[0], int(self.generator_config["zDim"]), generator=rng).to(self.device)
        fake = self.generator(batch.seg, z)
        both = self.discriminator(torch.cat([batch.seg, batch.seg]), torch.cat([fake, batch.image]))
        fake_out = [[t[: fake.shape[0]] for t in scale] for scale in both]
        real_out = [[t[fake.shape[0]:] for t in scale] for scale in both]
        losses["g_gan"] = hinge_generator_loss(fake_out) * float(weights["gan"])
        if float(weights["featureMatching"]) > 0:
            losses["g_fm"] = feature_matching_loss(real_out, fake_out) * float(weights["featureMatching"])
        if float(weights.get("l1", 0)) > 0:
            losses["g_l1"] = pyramid_l1_loss(fake, batch.image) * float(weights["l1"])
        generator_total = sum(losses.values())
        self.optimizer_g.zero_grad(set_to_none=True)
        generator_total.backward()
        self.optimizer_g.step()
        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(True)

        # Discriminator step on the same fake batch (no second G forward).
        both = self.discriminator(torch.cat([batch.seg, batch.seg]), torch.cat([fake.detach(), batch.image]))
        fake_out = [[t[: fake.shape[0]] for t in scale] for scale in both]
        real_out = [[t[fake.shape[0]:] for t in scale] for scale in both]
        d_loss = hinge_discriminator_loss(real_out, fake_out)
        self.optimizer_d.zero_grad(set_to_none=True)
        d_loss.backward()
        self.optimizer_d.step()

        self.step += 1
        self.ema.update(self.generator, self.step)
        result = {name: float(value.detach()) for name, value in losses.items()}
        result["d"] = float(d_loss.detach())
        return result

    # ----- rendering ---------------------------------------------------------------------
    @torch.no_grad()
    def render(self, seg: torch.Tensor, z: torch.Tensor | None, use_ema: bool = True) -> torch.Tensor:
        generator = self.ema.module if use_ema else self.generator
        was_training = generator.training
        generator.eval()
        out = generator(seg.to(self.device), None if z is None else z.to(self.device))
        generator.train(was_training)
        return out

    @torch.no_grad()
    def encode_mean(self, image: torch.Tensor) -> torch.Tensor | None:
        if self.encoder is None:
            return None
        size = int(self.config["encoder"]["inputSize"])
        image = image.to(self.device)
        if image.shape[-1] != size or image.shape[-2] != size:
            image = F.interpolate(image, size=(size, size), mode="bilinear", align_corners=False)
        self.encoder.eval()
        mu, _ = self.encoder(image)
        self.encoder.train()
        return mu

    # ----- checkpoints -------------------------------------------------------------------
    def state_dict(self) -> dict:
        state = {
            "step": self.step,
            "wallSeconds": self.wall_seconds,
            "config": self.config,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "optimizerG": self.optimizer_g.state_dict(),
            "optimizerD": self.optimizer_d.state_dict(),
            "ema": self.ema.state_dict(),
            "rng": {
                "torch": torch.get_rng_state(),
                "numpy": np.random.get_state(),
                "python": random.getstate(),
            },
        }
        if self.encoder is not None:
            state["encoder"] = self.encoder.state_dict()
        if torch.cuda.is_available() and self.device.type == "cuda":
            state["rng"]["cuda"] = torch.cuda.get_rng_state_all()
        return state

    def load_state_dict(self, state: dict) -> None:
        self.step = int(state["step"])
        self.wall_seconds = float(state.get("wallSeconds", 0.0))
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        if self.encoder is not None:
            self.encoder.load_state_dict(state["encoder"])
        self.optimizer_g.load_state_dict(state["optimizerG"])
        self.optimizer_d.load_state_dict(state["optimizerD"])
        self.ema.load_state_dict(state["ema"])
        rng = state["rng"]
        # RNG states must be CPU byte tensors; map_location="cuda" would have moved them.
        torch.set_rng_state(rng["torch"].cpu())
        np.random.set_state(rng["numpy"])
        random.setstate(rng["python"])
        if "cuda" in rng and self.device.type == "cuda":
            torch.cuda.set_rng_state_all([state_.cpu() for state_ in rng["cuda"]])

    def save_checkpoint(self, directory: str) -> str:
        """Atomic write of checkpoints/latest.pt (the previous one is kept as previous.pt)."""
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, CHECKPOINT_NAME)
        temporary = path + ".tmp"
        torch.save(self.state_dict(), temporary)
        if os.path.exists(path):
            os.replace(path, os.path.join(directory, "previous.pt"))
        os.replace(temporary, path)
        return path


def load_torch_file(path: str, map_location: str | torch.device = "cpu"):
    """torch.load for our own checkpoints, which hold numpy/python RNG states: PyTorch ≥ 2.6
    defaults to weights_only=True and would refuse them; 1.13 has no such argument."""
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:
        return torch.load(path, map_location=map_location)


def load_checkpoint(path: str, device: str = "cpu") -> SpadeTrainer:
    """Rebuilds a trainer from a checkpoint (its own config) and loads every state."""
    state = load_torch_file(path, device)
    trainer = SpadeTrainer(state["config"], device=device)
    trainer.load_state_dict(state)
    return trainer


def count_macs(model: nn.Module, *inputs) -> int:
    """Multiply-accumulates of every Conv2d/Linear in one forward (hooks; batch 1 inputs)."""
    total = [0]

    def hook(module, _inputs, output):
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total[0] += output[0].numel() * (module.in_channels // module.groups) * kernel
        elif isinstance(module, nn.Linear):
            total[0] += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return total[0]
