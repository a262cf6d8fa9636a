"""Measures candidate configs: G parameters, G GMAC at a render size, training s/iteration.

    python3 -m paintscape_train.sizing --config training/configs/default.json \
        [--variant NAME=JSON ...] [--iters 6] [--render-size 256]

Each variant is a JSON object merged into the config's `generator` section (e.g.
'B={"ngf":16,"spadeHidden":{"default":32,"up_2":16,"up_3":8}}'). Runs interleave the variants
round-robin and report medians, since same-config runs vary ±20% on a shared CPU.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time

import torch

from .models import SPADEGenerator
from .train import load_config
from .trainer import SpadeTrainer, count_macs


def synthetic_pairs(config: dict, count: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """Random blocky maps and noise images: timing does not depend on content."""
    size = int(config["train"]["crop"])
    generator = torch.Generator().manual_seed(0)
    coarse = torch.randint(0, int(config["generator"]["labelChannels"]), (count, size // 16, size // 16), generator=generator)
    labels = coarse.repeat_interleave(16, 1).repeat_interleave(16, 2).to(torch.uint8)
    images = torch.randint(0, 256, (count, 3, size, size), generator=generator, dtype=torch.uint8)
    return labels, images


def measure(config: dict, render_size: int) -> dict:
    generator_config = config["generator"]
    generator = SPADEGenerator(generator_config).eval()
    channels = SPADEGenerator.semantic_channels(generator_config)
    z = torch.zeros(1, int(generator_config["zDim"])) if int(generator_config["zDim"]) else None
    macs = count_macs(generator, torch.zeros(1, channels, render_size, render_size), z)
    return {
        "paramsM": round(sum(p.numel() for p in generator.parameters()) / 1e6, 2),
        f"gmac{render_size}": round(macs / 1e9, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--variant", action="append", default=[], help="NAME=JSON merged into generator")
    parser.add_argument("--iters", type=int, default=6, help="timed iterations per variant (after 1 warm-up)")
    parser.add_argument("--render-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    base = load_config(args.config)
    variants = {}
    for item in args.variant or ["config={}"]:
        name, _, text = item.partition("=")
        config = copy.deepcopy(base)
        config["generator"].update(json.loads(text))
        variants[name] = config
    trainers = {name: SpadeTrainer(config) for name, config in variants.items()}
    pairs = {name: synthetic_pairs(config) for name, config in variants.items()}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for name, trainer in trainers.items():  # warm-up
        trainer.train_step(*pairs[name])
    for _ in range(args.iters):
        for name, trainer in trainers.items():
            started = time.perf_counter()
            trainer.train_step(*pairs[name])
            times[name].append(time.perf_counter() - started)
    rows = []
    for name, config in variants.items():
        row = {"variant": name, "ngf": config["generator"]["ngf"], "spadeHidden": config["generator"]["spadeHidden"]}
        row.update(measure(config, args.render_size))
        row.update({"crop": config["train"]["crop"], "batch": config["train"]["batch"],
                    "secondsPerIter": round(statistics.median(times[name]), 3)})
        rows.append(row)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
