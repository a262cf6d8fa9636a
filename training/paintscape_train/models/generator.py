"""SPADE generator, the PyTorch reference of packages/core/src/graph (buildGenerator).

`cfg` is a GeneratorConfig dict (packages/core/src/model-io/manifest.ts, camelCase keys).
Parameter names match NVlabs/SPADE `latest_net_G.pth` (plus `fc_z` for the 'conv' stage).

Known limitation of the contract (reported to the lead): in the 'conv' stage `fc_z(z)` is a
per-channel constant added to the whole map, and every path after G_middle_1 starts with an
instance norm (up_0 has a learned shortcut), which removes per-channel constants. So with
norm 'instance', z has NO effect on the output; with norm 'batch' (running statistics) it does.
The constructor warns (ZIgnoredWarning) for that combination.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from .spade import LEAKY_SLOPE, SPADEResnetBlock

UPSAMPLINGS = {"normal": 5, "more": 6, "most": 7}
GENERATOR_CONFIG_KEYS = (
    "labelChannels",
    "dontCareChannel",
    "instanceEdgeChannel",
    "ngf",
    "spadeHidden",
    "upsampling",
    "aspectRatio",
    "inputStage",
    "zDim",
    "norm",
    "cropSize",
)


class ZIgnoredWarning(UserWarning):
    """The config has a z input that cannot change the output (see the module docstring)."""


def block_names(upsampling: str) -> List[str]:
    """Residual blocks in forward order."""
    names = ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"]
    if upsampling == "most":
        names.append("up_4")
    return names


def block_channels(ngf: int, upsampling: str) -> Dict[str, Tuple[int, int]]:
    """(fin, fout) of each block: 16ngf for head/middle, then halving down to ngf (ngf/2 for up_4)."""
    channels = {
        "head_0": (16 * ngf, 16 * ngf),
        "G_middle_0": (16 * ngf, 16 * ngf),
        "G_middle_1": (16 * ngf, 16 * ngf),
        "up_0": (16 * ngf, 8 * ngf),
        "up_1": (8 * ngf, 4 * ngf),
        "up_2": (4 * ngf, 2 * ngf),
        "up_3": (2 * ngf, 1 * ngf),
    }
    if upsampling == "most":
        channels["up_4"] = (ngf, ngf // 2)
    return channels


def spade_hidden_for(cfg: dict, block: str) -> int:
    hidden = cfg["spadeHidden"]
    if isinstance(hidden, dict):
        return int(hidden.get(block, hidden["default"]))
    return int(hidden)


def validate_generator_config(cfg: dict) -> None:
    missing = [k for k in GENERATOR_CONFIG_KEYS if k not in cfg]
    if missing:
        raise ValueError(f"GeneratorConfig is missing {', '.join(missing)}")
    if cfg["upsampling"] not in UPSAMPLINGS:
        raise ValueError(f"upsampling must be one of {list(UPSAMPLINGS)}, got {cfg['upsampling']!r}")
    if cfg["inputStage"] not in ("official", "conv"):
        raise ValueError(f"inputStage must be 'official' or 'conv', got {cfg['inputStage']!r}")
    if cfg["norm"] not in ("instance", "batch"):
        raise ValueError(f"norm must be 'instance' or 'batch', got {cfg['norm']!r}")
    if cfg["upsampling"] == "most" and cfg["ngf"] % 2:
        raise ValueError("ngf must be even for upsampling 'most' (up_4 has ngf/2 channels)")


def official_latent_size(cfg: dict) -> Tuple[int, int]:
    """(sh, sw) of the official stage: sw = cropSize // 2^n, sh = round(sw / aspectRatio)."""
    n = UPSAMPLINGS[cfg["upsampling"]]
    sw = cfg["cropSize"] // (2**n)
    sh = int(round(sw / cfg["aspectRatio"]))
    return sh, sw


class SPADEGenerator(nn.Module):
    def __init__(self, cfg: dict, spectral: bool = False):
        super().__init__()
        validate_generator_config(cfg)
        self.cfg = dict(cfg)
        ngf = cfg["ngf"]
        label_nc = self.semantic_channels(cfg)
        self.num_upsamplings = UPSAMPLINGS[cfg["upsampling"]]
        self.z_dim = int(cfg["zDim"])
        self.input_stage = cfg["inputStage"]
        top = 16 * ngf
        if self.input_stage == "official" and self.z_dim > 0:
            self.sh, self.sw = official_latent_size(cfg)
            self.fc = nn.Linear(self.z_dim, top * self.sh * self.sw)
        else:
            self.fc = nn.Conv2d(label_nc, top, 3, padding=1)
            if self.input_stage == "official":
                self.sh, self.sw = official_latent_size(cfg)
        if self.input_stage == "conv" and self.z_dim > 0:
            self.fc_z = nn.Linear(self.z_dim, top)
            if cfg["norm"] == "instance":
                warnings.warn(
                    "inputStage 'conv' with zDim > 0 and norm 'instance': fc_z adds a per-channel "
                    "constant that the instance norms remove, so z does not change the output",
                    ZIgnoredWarning,
                    stacklevel=2,
                )
        channels = block_channels(ngf, cfg["upsampling"])
        for name in block_names(cfg["upsampling"]):
            fin, fout = channels[name]
            block = SPADEResnetBlock(
                fin, fout, label_nc, spade_hidden_for(cfg, name), cfg["norm"], spectral
            )
            self.add_module(name, block)
        final_nc = channels[block_names(cfg["upsampling"])[-1]][1]
        self.conv_img = nn.Conv2d(final_nc, 3, 3, padding=1)

    @staticmethod
    def semantic_channels(cfg: dict) -> int:
        return (
            int(cfg["labelChannels"])
            + (1 if cfg["dontCareChannel"] else 0)
            + (1 if cfg["instanceEdgeChannel"] else 0)
        )

    def output_size(self, height: Optional[int] = None, width: Optional[int] = None) -> Tuple[int, int]:
        """(H, W) the generator renders: fixed for 'official', the seg size for 'conv'."""
        if self.input_stage == "official":
            return self.sh * 2**self.num_upsamplings, self.sw * 2**self.num_upsamplings
        if height is None or width is None:
            raise ValueError("the 'conv' stage needs a height and width")
        return height, width

    @staticmethod
    def _up(x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=2, mode="nearest")

    def forward(self, seg: torch.Tensor, z: Optional[torch.Tensor] = None) -> torch.Tensor:
        n = self.num_upsamplings
        height, width = seg.shape[-2:]
        if self.input_stage == "official":
            expected = self.output_size()
            if (height, width) != expected:
                raise ValueError(f"seg must be {expected[0]}x{expected[1]} for the official stage, got {height}x{width}")
        elif height % (2**n) or width % (2**n):
            raise ValueError(f"seg height and width must be multiples of {2**n}, got {height}x{width}")
        if self.z_dim > 0 and z is None:
            # Like the official VAE generator: no style given → a random one.
            z = torch.randn(seg.shape[0], self.z_dim, dtype=seg.dtype, device=seg.device)
        top = 16 * self.cfg["ngf"]
        if self.input_stage == "official" and self.z_dim > 0:
            x = self.fc(z).view(-1, top, self.sh, self.sw)
        else:
            x = self.fc(F.interpolate(seg, size=(height // 2**n, width // 2**n), mode="nearest"))
            if self.input_stage == "conv" and self.z_dim > 0:
                x = x + self.fc_z(z)[:, :, None, None]

        x = self.head_0(x, seg)
        x = self._up(x)
        x = self.G_middle_0(x, seg)
        if self.cfg["upsampling"] in ("more", "most"):
            x = self._up(x)
        x = self.G_middle_1(x, seg)
        x = self._up(x)
        x = self.up_0(x, seg)
        x = self._up(x)
        x = self.up_1(x, seg)
        x = self._up(x)
        x = self.up_2(x, seg)
        x = self._up(x)
        x = self.up_3(x, seg)
        if self.cfg["upsampling"] == "most":
            x = self._up(x)
            x = self.up_4(x, seg)
        x = self.conv_img(F.leaky_relu(x, LEAKY_SLOPE))
        return torch.tanh(x)
