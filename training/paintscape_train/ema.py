"""Exponential moving average of a module's weights (imaginaire-style G averaging)."""

from __future__ import annotations

import copy

import torch
from torch import nn


class ModelEma:
    """Keeps `self.module`, an averaged copy of the tracked module.

    Parameters are averaged; buffers (spectral-norm u/v vectors, norm statistics) are copied,
    since averaging power-iteration vectors has no meaning. The decay ramps up as
    (1 + step) / (10 + step) so a short run is not dominated by the random init.
    """

    def __init__(self, module: nn.Module, decay: float):
        self.decay = decay
        self.module = copy.deepcopy(module).eval()
        for parameter in self.module.parameters():
            parameter.requires_grad_(False)

    def effective_decay(self, step: int) -> float:
        return min(self.decay, (1.0 + step) / (10.0 + step))

    @torch.no_grad()
    def update(self, module: nn.Module, step: int) -> None:
        decay = self.effective_decay(step)
        live_parameters = dict(module.named_parameters())
        for name, averaged in self.module.named_parameters():
            averaged.mul_(decay).add_(live_parameters[name].detach(), alpha=1.0 - decay)
        live_buffers = dict(module.named_buffers())
        for name, buffer in self.module.named_buffers():
            buffer.copy_(live_buffers[name])

    def state_dict(self) -> dict:
        return {"decay": self.decay, "module": self.module.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.decay = state["decay"]
        self.module.load_state_dict(state["module"])
