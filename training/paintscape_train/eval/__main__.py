"""python3 -m paintscape_train.eval --run RUN [--checkpoint PATH] [--maps 300]: metrics as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys

import torch

from ..export import ExportedModel, export_networks
from ..trainer import CHECKPOINT_NAME, load_checkpoint
from .evaluate import evaluate_model, passes_bar


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Evaluate a training run's EMA generator on held-out maps.")
    parser.add_argument("--run", required=True)
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--maps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("PAINTSCAPE_THREADS", "2")))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    trainer = load_checkpoint(args.checkpoint or os.path.join(args.run, "checkpoints", CHECKPOINT_NAME))
    generator, encoder = export_networks(trainer)
    metrics = evaluate_model(ExportedModel(trainer, generator, encoder), trainer.config, args.maps)
    print(json.dumps({"step": trainer.step, "metrics": metrics, "passes": passes_bar(metrics)}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
