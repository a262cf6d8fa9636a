"""Export a training run to a Paintscape model folder (model.json + generator.onnx + encoder.onnx).

    python3 -m paintscape_train.export --run training/runs/NAME --out models/landscape \
        [--checkpoint PATH] [--eval-maps 300 | --no-eval] [--no-recalibrate]

Steps: load the checkpoint; take the EMA generator and the encoder; fold spectral norm into
plain weights; re-estimate the EMA generator's batch-norm running statistics (they were copied
from the live generator, whose weights differ); write generator.safetensors / encoder.safetensors
and their configs to RUN/export/; call `node packages/model-cli/dist/cli.js build`; add the
provenance (data, steps, wall time, hardware, metrics, licences) to model.json; render
samples.png (rows: map, real photo, generated, generated with another style seed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys

import torch
from torch import nn

from .models import ConvEncoder, SPADEGenerator
from .safetensors_io import save_file
from .train import hardware_description, sample_pairs, sample_rows, training_pairs
from .trainer import CHECKPOINT_NAME, SpadeTrainer, load_checkpoint
from .visual import grid

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI_PATH = os.path.join(REPO_ROOT, "packages", "model-cli", "dist", "cli.js")
NOTICE_PATH = os.path.join(REPO_ROOT, "training", "NOTICE")
POWER_ITERATIONS = 30
RECALIBRATION_BATCHES = 32


@torch.no_grad()
def fold_spectral_norm(state: dict[str, torch.Tensor], eps: float = 1e-12) -> dict[str, torch.Tensor]:
    """State dict with every spectral-normed `X.weight_orig/_u/_v` replaced by `X.weight` = W / σ.

    σ comes from POWER_ITERATIONS power iterations started at the stored u (an EMA copy's u/v
    belong to the live weights, so a few iterations make σ exact for the averaged weights).
    """
    folded: dict[str, torch.Tensor] = {}
    for name, tensor in state.items():
        leaf = name.rsplit(".", 1)[-1]
        if leaf in ("weight_u", "weight_v"):
            continue
        if leaf != "weight_orig":
            folded[name] = tensor
            continue
        prefix = name[: -len("weight_orig")]  # "block.conv_0." or "" at the top level
        matrix = tensor.reshape(tensor.shape[0], -1)
        u = state[prefix + "weight_u"].clone()
        v = state[prefix + "weight_v"].clone()
        for _ in range(POWER_ITERATIONS):
            v = nn.functional.normalize(matrix.t() @ u, dim=0, eps=eps)
            u = nn.functional.normalize(matrix @ v, dim=0, eps=eps)
        sigma = torch.dot(u, matrix @ v)
        folded[prefix + "weight"] = tensor / sigma
    return folded


@torch.no_grad()
def recalibrate_batch_norm(generator: nn.Module, trainer: SpadeTrainer, pairs: dict,
                           batches: int = RECALIBRATION_BATCHES) -> None:
    """Re-estimates batch-norm running stats of `generator` on training crops (cumulative average)."""
    norms = [m for m in generator.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    saved = [(m, m.momentum) for m in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None
    generator.train()
    rng = torch.Generator().manual_seed(int(trainer.config["seed"]) + 99)
    for _ in range(batches):
        batch = trainer.make_batch(pairs["labels"], pairs["images"], rng)
        z = None
        if trainer.encoder is not None:
            trainer.encoder.eval()
            z, _, _ = trainer.encode(batch.image, rng)
        elif int(trainer.generator_config["zDim"]) > 0:
            z = torch.randn(batch.image.shape[0], int(trainer.generator_config["zDim"]), generator=rng)
        generator(batch.seg, z)
    for norm, momentum in saved:
        norm.momentum = momentum
    generator.eval()


def plain_state(module: nn.Module) -> dict[str, torch.Tensor]:
    """State dict without batch-norm counters (the graph builder reads weights and running stats)."""
    return {name: tensor.detach().cpu().float().contiguous()
            for name, tensor in module.state_dict().items() if not name.endswith("num_batches_tracked")}


def export_networks(trainer: SpadeTrainer, recalibrate: bool = True) -> tuple[SPADEGenerator, ConvEncoder | None]:
    """Plain (spectral-norm-free, eval) copies of the EMA generator and the encoder."""
    generator = SPADEGenerator(trainer.generator_config, spectral=False)
    generator.load_state_dict(fold_spectral_norm(trainer.ema.module.state_dict()))
    if recalibrate and trainer.generator_config["norm"] == "batch":
        recalibrate_batch_norm(generator, trainer, training_pairs(trainer.config))
    generator.eval()
    encoder = None
    if trainer.encoder is not None:
        encoder = ConvEncoder(trainer.config["encoder"], spectral=False)
        encoder.load_state_dict(fold_spectral_norm(trainer.encoder.state_dict()))
        encoder.eval()
    return generator, encoder


def read_notice_licences() -> list[str]:
    """Licence lines of training/NOTICE (lines that name a licence), or a pointer to the file."""
    if not os.path.exists(NOTICE_PATH):
        return ["see training/NOTICE"]
    licences = []
    with open(NOTICE_PATH, encoding="utf-8") as handle:
        for line in handle:
            for token in ("CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0", "GPL-2+", "GPL-2.0", "GPL-3+", "GPL-3.0", "LGPL", "MIT", "Apache-2.0", "public domain"):
                if token.lower() in line.lower() and token not in licences:
                    licences.append(token)
    return licences or ["see training/NOTICE"]


def build_provenance(trainer: SpadeTrainer, pairs: dict, metrics: dict | None, hardware: str) -> dict:
    data = trainer.config["data"]
    return {
        "source": "paintscape training/paintscape_train/train.py",
        # The weights derive from images synthesized out of the NOTICE's textures: they carry those licences.
        "licence": " AND ".join(read_notice_licences()) + " (derived from the training textures; see training/NOTICE)",
        "data": {
            "description": f"{data['count']} synthesized landscape scenes at {data['size']}px "
                           f"({pairs.get('textures', 'photo')} textures; training/paintscape_train/data), "
                           f"random {trainer.config['train']['crop']}px crops",
            "licences": read_notice_licences(),
            "seed": int(data["seed"]),
            "size": int(data["count"]),
        },
        "steps": trainer.step,
        "wallTimeSeconds": round(trainer.wall_seconds, 1),
        "hardware": hardware,
        "metrics": metrics or {},
        "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "trainingConfig": trainer.config.get("name", "custom"),
    }


def build_config(trainer: SpadeTrainer, provenance: dict) -> dict:
    """model-cli's `build --config` file: {name, description, labelSet, generator, encoder, size, provenance}."""
    options = trainer.config.get("export", {})
    config = {
        "name": str(options.get("name", trainer.config.get("name", "landscape"))),
        "description": trainer.config.get("description", "SPADE landscape model trained by paintscape"),
        "labelSet": str(options.get("labelSet", "landscape")),
        "generator": trainer.generator_config,
        "provenance": provenance,
    }
    if trainer.encoder is not None:
        config["encoder"] = trainer.config["encoder"]
    size = {}
    if "renderSize" in options:
        size["default"] = [int(options["renderSize"])] * 2
    if "maxSize" in options:
        size["max"] = [int(options["maxSize"])] * 2
    if size:
        config["size"] = size
    return config


def write_build_inputs(directory: str, trainer: SpadeTrainer, generator: nn.Module, encoder: nn.Module | None,
                       provenance: dict) -> dict[str, str]:
    """RUN/export/: generator.safetensors, encoder.safetensors, build-config.json."""
    os.makedirs(directory, exist_ok=True)
    paths = {
        "generatorWeights": os.path.join(directory, "generator.safetensors"),
        "buildConfig": os.path.join(directory, "build-config.json"),
    }
    save_file(plain_state(generator), paths["generatorWeights"], {"format": "pt", "step": str(trainer.step)})
    if encoder is not None:
        paths["encoderWeights"] = os.path.join(directory, "encoder.safetensors")
        save_file(plain_state(encoder), paths["encoderWeights"], {"format": "pt", "step": str(trainer.step)})
    with open(paths["buildConfig"], "w", encoding="utf-8") as handle:
        json.dump(build_config(trainer, provenance), handle, indent=2)
    return paths


def run_cli_build(paths: dict[str, str], out: str) -> None:
    if not os.path.exists(CLI_PATH):
        raise SystemExit(f"{CLI_PATH} is missing: build it with `pnpm --filter @paintscape/model-cli... build`")
    command = ["node", CLI_PATH, "build", "--config", paths["buildConfig"], "--weights", paths["generatorWeights"],
               "--out", out, "--quiet"]
    if "encoderWeights" in paths:
        command += ["--encoder-weights", paths["encoderWeights"]]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"model-cli build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def merge_provenance(out: str, provenance: dict) -> dict:
    """Makes sure model.json carries our provenance (whatever the CLI wrote is kept unless ours has it)."""
    manifest_path = os.path.join(out, "model.json")
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    manifest["provenance"] = {**manifest.get("provenance", {}), **provenance}
    with open(manifest_path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    os.replace(manifest_path + ".tmp", manifest_path)
    return manifest


class ExportedModel:
    """The exported PyTorch networks wrapped so train.sample_rows can render with them."""

    def __init__(self, trainer: SpadeTrainer, generator: nn.Module, encoder: nn.Module | None):
        self.trainer = trainer
        self.generator_config = trainer.generator_config
        self.device = torch.device("cpu")
        self.generator = generator
        self.encoder = encoder

    @torch.no_grad()
    def render(self, seg: torch.Tensor, z: torch.Tensor | None, use_ema: bool = True) -> torch.Tensor:
        return self.generator(seg, z)

    @torch.no_grad()
    def encode_mean(self, image: torch.Tensor) -> torch.Tensor | None:
        if self.encoder is None:
            return None
        size = int(self.trainer.config["encoder"]["inputSize"])
        if image.shape[-1] != size:
            image = nn.functional.interpolate(image, size=(size, size), mode="bilinear", align_corners=False)
        return self.encoder(image)[0]


def export_run(run: str, out: str, checkpoint: str | None = None, eval_maps: int | None = None,
               recalibrate: bool = True, threads: int = 2, log=sys.stderr) -> dict:
    torch.set_num_threads(threads)
    checkpoint = checkpoint or os.path.join(run, "checkpoints", CHECKPOINT_NAME)
    trainer = load_checkpoint(checkpoint)
    status_path = os.path.join(run, "status.json")
    hardware = hardware_description("cpu")
    if os.path.exists(status_path):
        with open(status_path, encoding="utf-8") as handle:
            hardware = json.load(handle).get("hardware", hardware)
    generator, encoder = export_networks(trainer, recalibrate=recalibrate)
    exported = ExportedModel(trainer, generator, encoder)
    metrics = None
    if eval_maps:
        from .eval.evaluate import evaluate_model

        print(f"evaluating on {eval_maps} held-out maps …", file=log, flush=True)
        metrics = evaluate_model(exported, trainer.config, eval_maps, log=log)
    pairs = training_pairs(trainer.config)
    provenance = build_provenance(trainer, pairs, metrics, hardware)
    paths = write_build_inputs(os.path.join(run, "export"), trainer, generator, encoder, provenance)
    os.makedirs(out, exist_ok=True)
    run_cli_build(paths, out)
    manifest = merge_provenance(out, provenance)
    samples = sample_pairs(trainer.config)
    grid(sample_rows(exported, samples["labels"], samples["images"])).save(os.path.join(out, "samples.png"))
    print(json.dumps({"out": out, "step": trainer.step, "metrics": metrics or {}}), flush=True)
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True, help="training run folder")
    parser.add_argument("--out", required=True, help="model folder to write, e.g. models/landscape")
    parser.add_argument("--checkpoint", default=None, help="default RUN/checkpoints/latest.pt")
    parser.add_argument("--eval-maps", type=int, default=0, help="evaluate on this many held-out maps (0: skip)")
    parser.add_argument("--no-recalibrate", action="store_true", help="keep the copied batch-norm statistics")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("PAINTSCAPE_THREADS", "2")))
    args = parser.parse_args(argv)
    export_run(args.run, args.out, args.checkpoint, args.eval_maps, not args.no_recalibrate, args.threads)


if __name__ == "__main__":
    main(sys.argv[1:])
