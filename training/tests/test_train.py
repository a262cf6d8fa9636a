"""Training, resume, export and evaluation tests (CPU, tiny config, a few seconds each)."""

from __future__ import annotations

import copy
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(TRAINING_DIR)
sys.path.insert(0, TRAINING_DIR)

from paintscape_train import train as train_cli  # noqa: E402
from paintscape_train.data import SyntheticLandscapes  # noqa: E402
from paintscape_train.discriminator import MultiscaleDiscriminator  # noqa: E402
from paintscape_train.ema import ModelEma  # noqa: E402
from paintscape_train.eval.metrics import confusion_matrix, frechet_distance, segmentation_scores  # noqa: E402
from paintscape_train.export import CLI_PATH, ExportedModel, export_networks, export_run, fold_spectral_norm  # noqa: E402
from paintscape_train.losses import hinge_discriminator_loss, hinge_generator_loss  # noqa: E402
from paintscape_train.trainer import SpadeTrainer, labels_to_onehot, load_checkpoint, load_torch_file  # noqa: E402

TINY_CONFIG = os.path.join(TRAINING_DIR, "configs", "tiny.json")
ORT_SCRIPT = os.path.join(TRAINING_DIR, "scripts", "ort_render.mjs")
# PyTorch and onnxruntime sum in different orders; the notes measured ≤ 5e-4 on real models.
ONNX_TOLERANCE = 2e-4

torch.set_num_threads(1)


def tiny_config(tmp_path, **train_overrides) -> dict:
    with open(TINY_CONFIG, encoding="utf-8") as handle:
        config = json.load(handle)
    config["data"]["cacheDir"] = str(tmp_path / "cache")
    config["train"].update(train_overrides)
    return config


def write_config(tmp_path, config: dict) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return str(path)


def two_scene_tensors(size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    scenes = SyntheticLandscapes(size=size, count=2, seed=3)
    labels = torch.from_numpy(np.stack([scenes[i][0] for i in range(2)]))
    images = torch.from_numpy(np.stack([scenes[i][1].transpose(2, 0, 1) for i in range(2)]))
    return labels, images


def test_one_training_step_on_two_images_is_finite(tmp_path):
    config = tiny_config(tmp_path, batch=2, crop=64)
    trainer = SpadeTrainer(config)
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    losses = trainer.train_step(*two_scene_tensors())
    assert set(losses) == {"kl", "g_gan", "g_fm", "g_l1", "d"}
    assert all(math.isfinite(v) for v in losses.values()), losses
    assert trainer.step == 1
    changed = [k for k, v in trainer.generator.state_dict().items() if not torch.equal(v, before[k])]
    assert changed, "the generator step changed no weight"
    assert all(torch.isfinite(p).all() for p in trainer.discriminator.parameters())


def test_discriminator_returns_every_layer_at_two_scales():
    discriminator = MultiscaleDiscriminator(semantic_channels=13, ndf=8)
    outputs = discriminator(torch.zeros(2, 13, 64, 64), torch.zeros(2, 3, 64, 64))
    assert len(outputs) == 2
    assert [len(scale) for scale in outputs] == [5, 5]
    assert [t.shape[1] for t in outputs[0]] == [8, 16, 32, 64, 1]
    # The second scale sees a 3×3/2 average-pooled input: half the resolution at every layer.
    assert outputs[1][0].shape[-1] < outputs[0][0].shape[-1]


def test_hinge_losses_match_their_definition():
    real = [[torch.tensor([2.0, 0.5])], [torch.tensor([0.0])]]
    fake = [[torch.tensor([-2.0, 0.5])], [torch.tensor([1.0])]]
    # scale 1: relu(1-2)=0, relu(1-.5)=.5 → .25; relu(1-2)=0, relu(1.5)=1.5 → .75; scale 2: 1 + 2
    assert hinge_discriminator_loss(real, fake).item() == pytest.approx((0.25 + 0.75 + 1 + 2) / 2)
    assert hinge_generator_loss(fake).item() == pytest.approx((0.75 - 1.0) / 2)


def test_ema_ramps_up_then_tracks_with_the_configured_decay():
    module = torch.nn.Linear(2, 2)
    ema = ModelEma(module, decay=0.999)
    assert ema.effective_decay(0) == pytest.approx(0.1)
    assert ema.effective_decay(10**6) == pytest.approx(0.999)
    old = ema.module.weight.detach().clone()
    with torch.no_grad():
        module.weight.fill_(1.0)
    ema.update(module, step=0)
    assert torch.allclose(ema.module.weight, 0.1 * old + 0.9)
    before = copy.deepcopy(ema.module.weight)
    ema.update(module, step=10**6)
    expected = 0.999 * before + 0.001 * module.weight
    assert torch.allclose(ema.module.weight, expected)


def test_fold_spectral_norm_divides_by_the_largest_singular_value():
    conv = torch.nn.utils.spectral_norm(torch.nn.Conv2d(4, 6, 3))
    state = fold_spectral_norm(conv.state_dict())
    assert "weight" in state and "weight_orig" not in state and "weight_u" not in state
    sigma = torch.linalg.svdvals(conv.weight_orig.detach().reshape(6, -1))[0]
    assert torch.allclose(state["weight"], conv.weight_orig.detach() / sigma, atol=1e-5)


def test_resume_continues_identically(tmp_path):
    config_path = write_config(tmp_path, tiny_config(tmp_path, steps=4))
    full, half = str(tmp_path / "full"), str(tmp_path / "half")
    train_cli.run(train_cli.parse_args(["--config", config_path, "--out", full, "--threads", "1"]))
    train_cli.run(train_cli.parse_args(["--config", config_path, "--out", half, "--threads", "1", "--steps", "2"]))
    assert load_checkpoint(os.path.join(half, "checkpoints", "latest.pt")).step == 2
    train_cli.run(train_cli.parse_args(["--out", half, "--resume", "--threads", "1", "--steps", "4"]))
    a = load_torch_file(os.path.join(full, "checkpoints", "latest.pt"))
    b = load_torch_file(os.path.join(half, "checkpoints", "latest.pt"))
    assert a["step"] == b["step"] == 4
    for part in ("generator", "encoder", "discriminator"):
        for name, tensor in a[part].items():
            assert torch.allclose(tensor.float(), b[part][name].float(), atol=1e-6, rtol=0), f"{part}.{name}"
    for name, tensor in a["ema"]["module"].items():
        assert torch.allclose(tensor.float(), b["ema"]["module"][name].float(), atol=1e-6, rtol=0), f"ema.{name}"
    assert a["optimizerG"]["state"][0]["step"] == b["optimizerG"]["state"][0]["step"]
    with open(os.path.join(full, "config.json"), encoding="utf-8") as handle:
        assert json.load(handle)["generator"]["ngf"] == 4  # the run folder keeps its config
    assert os.listdir(os.path.join(full, "samples"))


def test_segmentation_scores_and_frechet_distance():
    target = torch.tensor([[0, 0, 1, 1]])
    scores = segmentation_scores(confusion_matrix(torch.tensor([[0, 1, 1, 1]]), target, 3))
    assert scores["accuracy"] == pytest.approx(0.75)
    assert scores["miou"] == pytest.approx((0.5 + 2 / 3) / 2)  # class 2 absent from both: not counted
    rng = np.random.default_rng(0)
    features = rng.normal(size=(500, 4))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)
    shifted = features + np.array([3.0, 0, 0, 0])
    assert frechet_distance(features, shifted) == pytest.approx(9.0, rel=1e-6)


def test_evaluation_reports_every_metric(tmp_path):
    from paintscape_train.eval.evaluate import evaluate_model

    config = tiny_config(tmp_path)
    trainer = SpadeTrainer(config)
    trainer.train_step(*two_scene_tensors())
    generator, encoder = export_networks(trainer)
    metrics = evaluate_model(ExportedModel(trainer, generator, encoder), config, maps=4, log=None)
    for kind in ("real", "generated", "floor"):
        assert 0 <= metrics[f"{kind}Miou"] <= 1 and 0 <= metrics[f"{kind}Accuracy"] <= 1
    assert metrics["generatedFd"] >= 0 and metrics["floorFd"] >= 0
    assert metrics["diversity"] > 0  # z reaches the output (batch-norm SPADE keeps fc_z's offset)
    assert metrics["evalMaps"] == 4 and metrics["diversityMaps"] == 4


def run_node(model_dir: str, work: str) -> None:
    result = subprocess.run(["node", ORT_SCRIPT, model_dir, work], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not os.path.exists(CLI_PATH),
                    reason="packages/model-cli/dist/cli.js is not built: run `pnpm --filter @paintscape/model-cli... build`")
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
def test_export_builds_with_the_cli_and_matches_pytorch_in_onnxruntime(tmp_path):
    config_path = write_config(tmp_path, tiny_config(tmp_path, steps=2))
    run_dir, model_dir = str(tmp_path / "run"), str(tmp_path / "model")
    train_cli.run(train_cli.parse_args(["--config", config_path, "--out", run_dir, "--threads", "1"]))
    manifest = export_run(run_dir, model_dir, eval_maps=0, threads=1)
    for name in ("model.json", "generator.onnx", "encoder.onnx", "samples.png"):
        assert os.path.exists(os.path.join(model_dir, name)), name
    assert manifest["provenance"]["steps"] == 2
    assert manifest["provenance"]["data"]["seed"] == 100
    assert manifest["generator"]["config"]["ngf"] == 4

    trainer = load_checkpoint(os.path.join(run_dir, "checkpoints", "latest.pt"))
    generator, encoder = export_networks(trainer)
    exported = ExportedModel(trainer, generator, encoder)
    labels = torch.from_numpy(np.stack([SyntheticLandscapes(size=64, count=2, seed=11)[i][0] for i in range(2)]))
    seg = labels_to_onehot(labels.long(), trainer.generator_config)
    z = torch.randn(2, 8, generator=torch.Generator().manual_seed(1))
    image = torch.rand(2, 3, 128, 128, generator=torch.Generator().manual_seed(2)) * 2 - 1
    work = tmp_path / "ort"
    work.mkdir()
    for name, tensor in (("seg", seg), ("z", z), ("image", image)):
        tensor.numpy().astype("<f4").tofile(work / f"{name}.bin")
    (work / "inputs.json").write_text(json.dumps({"seg": list(seg.shape), "z": list(z.shape), "image": list(image.shape)}))
    run_node(model_dir, str(work))
    onnx_out = np.fromfile(work / "out.bin", dtype="<f4").reshape(2, 3, 64, 64)
    torch_out = exported.render(seg, z).numpy()
    assert np.abs(onnx_out - torch_out).max() <= ONNX_TOLERANCE
    assert np.abs(torch_out).max() > 0  # a real image, not a constant zero
    with torch.no_grad():
        mu, _ = encoder(image)
    onnx_mu = np.fromfile(work / "mu.bin", dtype="<f4").reshape(mu.shape)
    assert np.abs(onnx_mu - mu.numpy()).max() <= ONNX_TOLERANCE
