"""Train the SPADE generator on synthesized landscape pairs.

    python3 -m paintscape_train.train --config training/configs/default.json \
        --out training/runs/NAME [--resume] [--device cpu|cuda] [--max-minutes M]

The run folder gets config.json (the config the run uses), checkpoints/latest.pt (every
`train.checkpointMinutes` and at the end), samples/step-XXXXXX.png, and losses.jsonl.
`--resume` reloads checkpoints/latest.pt and continues exactly where it stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time

import torch

from .models import UPSAMPLINGS
from .dataset_cache import DEFAULT_CACHE, EVAL_SEED_OFFSET, render_pairs
from .progress import ProgressBar
from .trainer import CHECKPOINT_NAME, SpadeTrainer, load_torch_file, images_to_tensor, labels_to_onehot, tensor_to_images
from .visual import chw_to_hwc, colorize, grid

SAMPLE_ROWS = 4
# The style seed used for the "another seed" column of sample grids.
SAMPLE_STYLE_SEED = 12345


def load_config(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    for section in ("generator", "discriminator", "loss", "optim", "train", "data"):
        if section not in config:
            raise ValueError(f"config {path}: missing section {section!r}")
    return config


def default_threads() -> int:
    return int(os.environ.get("PAINTSCAPE_THREADS", "2"))


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware_description(device: str) -> str:
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (torch {torch.__version__})"
    return (f"{cpu_name()}, {torch.get_num_threads()} of {os.cpu_count()} cores, shared "
            f"(torch {torch.__version__})")


def training_pairs(config: dict) -> dict:
    data = config["data"]
    return render_pairs(int(data["seed"]), int(data["count"]), int(data["size"]),
                        data.get("cacheDir") or DEFAULT_CACHE)


def sample_pairs(config: dict, count: int = SAMPLE_ROWS) -> dict:
    data = config["data"]
    return render_pairs(int(data["seed"]) + EVAL_SEED_OFFSET, count, int(data["size"]),
                        data.get("cacheDir") or DEFAULT_CACHE)


def sample_rows(trainer: SpadeTrainer, labels: torch.Tensor, images: torch.Tensor) -> list[list]:
    """Per map: [colourized map, real, generated (encoded style or seed 0), generated (another seed)]."""
    multiple = 2 ** UPSAMPLINGS[trainer.generator_config["upsampling"]]
    height = labels.shape[-2] // multiple * multiple
    width = labels.shape[-1] // multiple * multiple
    labels, images = labels[..., :height, :width], images[..., :height, :width]
    seg = labels_to_onehot(labels.long().to(trainer.device), trainer.generator_config)
    z_dim = int(trainer.generator_config["zDim"])
    real = images_to_tensor(images)
    style = trainer.encode_mean(real)
    if style is None and z_dim > 0:
        style = torch.zeros(labels.shape[0], z_dim)
    other = None
    if z_dim > 0:
        other = torch.randn(labels.shape[0], z_dim, generator=torch.Generator().manual_seed(SAMPLE_STYLE_SEED))
    first = tensor_to_images(trainer.render(seg, style))
    second = tensor_to_images(trainer.render(seg, other))
    return [
        [colorize(labels[i]), chw_to_hwc(images[i]), chw_to_hwc(first[i]), chw_to_hwc(second[i])]
        for i in range(labels.shape[0])
    ]


def save_samples(trainer: SpadeTrainer, pairs: dict, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    grid(sample_rows(trainer, pairs["labels"], pairs["images"])).save(path)


def run(args: argparse.Namespace) -> SpadeTrainer:
    process_started = time.time()
    torch.set_num_threads(args.threads)
    checkpoint_dir = os.path.join(args.out, "checkpoints")
    checkpoint_path = os.path.join(checkpoint_dir, CHECKPOINT_NAME)
    config_path = os.path.join(args.out, "config.json")
    if args.resume:
        if not os.path.exists(checkpoint_path):
            raise SystemExit(f"--resume: no checkpoint at {checkpoint_path}")
        state = load_torch_file(checkpoint_path, args.device)
        config = state["config"]
        trainer = SpadeTrainer(config, device=args.device)
        trainer.load_state_dict(state)
        del state
    else:
        if not args.config:
            raise SystemExit("--config is required unless --resume")
        if os.path.exists(checkpoint_path) and not args.overwrite:
            raise SystemExit(f"{args.out} already holds a run: pass --resume (or --overwrite)")
        config = load_config(args.config)
        if args.steps is not None:
            config["train"]["steps"] = args.steps
        os.makedirs(args.out, exist_ok=True)
        with open(config_path, "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=2)
        trainer = SpadeTrainer(config, device=args.device)

    train = config["train"]
    total_steps = int(args.steps if args.steps is not None else train["steps"])
    pairs = training_pairs(config)
    samples = sample_pairs(config)
    deadline = process_started + args.max_minutes * 60 if args.max_minutes else None
    bar = ProgressBar(total_steps, start=trainer.step, every=int(train.get("logEvery", 10)), deadline=deadline)
    bar.message(
        f"run {args.out}: step {trainer.step}/{total_steps}, device {args.device}, "
        f"{pairs['labels'].shape[0]} pairs at {pairs['labels'].shape[-1]}px, "
        f"G {sum(p.numel() for p in trainer.generator.parameters()) / 1e6:.2f}M params"
    )
    checkpoint_seconds = float(train.get("checkpointMinutes", 5)) * 60
    sample_seconds = float(train.get("sampleMinutes", 10)) * 60
    last_checkpoint = last_sample = time.time()
    segment_started = time.time()
    wall_at_start = trainer.wall_seconds
    # A resumed run appends to its loss log; a fresh (or --overwrite) run starts a new one.
    losses_log = open(os.path.join(args.out, "losses.jsonl"), "a" if args.resume else "w", encoding="utf-8")
    stop_reason = "steps"
    stop_requested = []
    # SIGTERM (kill PID) ends the run after the current step, with a checkpoint; background
    # jobs ignore SIGINT, so this is how a scheduled run is stopped early.
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: stop_requested.append(True))
    try:
        while trainer.step < total_steps:
            losses = trainer.train_step(pairs["labels"], pairs["images"])
            trainer.wall_seconds = wall_at_start + (time.time() - segment_started)
            if not all(map(lambda v: v == v and abs(v) != float("inf"), losses.values())):
                stop_reason = "non-finite loss"
                bar.message(f"step {trainer.step}: non-finite loss {losses}; stopping without a checkpoint")
                return trainer
            bar.update(trainer.step, losses)
            if trainer.step % int(train.get("logEvery", 10)) == 0:
                losses_log.write(json.dumps({"step": trainer.step, "wall": round(trainer.wall_seconds, 1), **losses}) + "\n")
                losses_log.flush()
            now = time.time()
            if now - last_sample >= sample_seconds:
                save_samples(trainer, samples, os.path.join(args.out, "samples", f"step-{trainer.step:06d}.png"))
                last_sample = now
            if now - last_checkpoint >= checkpoint_seconds:
                trainer.save_checkpoint(checkpoint_dir)
                bar.message(f"checkpoint at step {trainer.step}")
                last_checkpoint = now
            if deadline is not None and now >= deadline:
                stop_reason = "max-minutes"
                break
            if stop_requested:
                stop_reason = "SIGTERM"
                break
    except KeyboardInterrupt:
        stop_reason = "interrupted"
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        losses_log.close()
        bar.close()
    if stop_reason != "non-finite loss":
        trainer.save_checkpoint(checkpoint_dir)
        save_samples(trainer, samples, os.path.join(args.out, "samples", f"step-{trainer.step:06d}.png"))
        with open(os.path.join(args.out, "status.json"), "w", encoding="utf-8") as handle:
            json.dump({"step": trainer.step, "stopReason": stop_reason, "wallSeconds": round(trainer.wall_seconds, 1),
                       "hardware": hardware_description(args.device)}, handle, indent=2)
        bar.message(f"stopped ({stop_reason}) at step {trainer.step}; checkpoint {checkpoint_path}")
    return trainer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="training config JSON (training/configs/*.json)")
    parser.add_argument("--out", required=True, help="run folder, e.g. training/runs/default")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoints/latest.pt")
    parser.add_argument("--overwrite", action="store_true", help="start over in an existing run folder")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--max-minutes", type=float, default=None, help="stop (with a checkpoint) after M minutes")
    parser.add_argument("--steps", type=int, default=None, help="override train.steps")
    parser.add_argument("--threads", type=int, default=default_threads(), help="torch CPU threads (default 2)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: CUDA is not available in this torch build")
        torch.backends.cudnn.benchmark = True  # fixed crop size: let cuDNN pick the fastest kernels
    run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
