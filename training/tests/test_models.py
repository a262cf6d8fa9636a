"""Shapes, official key names and safetensors round trips of the reference models."""
import os
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from paintscape_train import safetensors_io  # noqa: E402
from paintscape_train.models import (  # noqa: E402
    MIN_ENCODER_INPUT_SIZE,
    ConvEncoder,
    SPADEGenerator,
    ZIgnoredWarning,
    init_weights,
)


def gen_cfg(**overrides):
    cfg = dict(
        labelChannels=13,
        dontCareChannel=False,
        instanceEdgeChannel=False,
        ngf=4,
        spadeHidden=8,
        upsampling="normal",
        aspectRatio=1,
        inputStage="conv",
        zDim=8,
        norm="instance",
        cropSize=64,
    )
    cfg.update(overrides)
    return cfg


def one_hot(n, channels, h, w, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, channels, (n, h, w), generator=g)
    return torch.nn.functional.one_hot(labels, channels).permute(0, 3, 1, 2).float()


def test_semantic_channels_counts_dont_care_and_edges():
    assert SPADEGenerator.semantic_channels(gen_cfg()) == 13
    assert SPADEGenerator.semantic_channels(gen_cfg(labelChannels=182, dontCareChannel=True, instanceEdgeChannel=True)) == 184


def test_conv_stage_z_is_ignored_with_instance_norm_and_warns():
    torch.manual_seed(0)
    with pytest.warns(ZIgnoredWarning):
        g = SPADEGenerator(gen_cfg()).eval()
    seg = one_hot(1, 13, 64, 64)
    with torch.no_grad():
        diff = (g(seg, torch.zeros(1, 8)) - g(seg, torch.ones(1, 8))).abs().max()
    assert diff < 1e-4  # the documented limitation: instance norms remove fc_z's constant


def test_conv_stage_output_shape_range_and_z_dependence():
    torch.manual_seed(0)
    g = SPADEGenerator(gen_cfg(norm="batch")).eval()  # torch's default init: large enough for z to show
    seg = one_hot(2, 13, 64, 96)
    z = torch.randn(2, 8)
    with torch.no_grad():
        out = g(seg, z)
        other = g(seg, z + 1)
    assert out.shape == (2, 3, 64, 96)
    assert out.abs().max() <= 1
    assert (out - other).abs().max() > 1e-3


def test_conv_stage_rejects_sizes_not_multiple_of_32():
    g = SPADEGenerator(gen_cfg())
    with pytest.raises(ValueError, match="multiples of 32"):
        g(one_hot(1, 13, 48, 64), torch.zeros(1, 8))


def test_official_stage_fixed_size_and_linear_fc():
    g = SPADEGenerator(gen_cfg(inputStage="official", cropSize=128, aspectRatio=2, upsampling="more", zDim=16)).eval()
    assert g.fc.weight.shape == (16 * 4 * 1 * 2, 16)  # sw = 128 / 64 = 2, sh = 1
    with torch.no_grad():
        assert g(one_hot(1, 13, 64, 128), torch.randn(1, 16)).shape == (1, 3, 64, 128)
    with pytest.raises(ValueError, match="official stage"):
        g(one_hot(1, 13, 128, 128), torch.randn(1, 16))


def test_official_key_pattern_matches_nvlabs_checkpoint():
    cfg = gen_cfg(inputStage="official", zDim=0, norm="batch", cropSize=256, ngf=4)
    keys = set(SPADEGenerator(cfg, spectral=True).state_dict())
    for block in ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"]:
        for conv in ["conv_0", "conv_1"]:
            assert {f"{block}.{conv}.{p}" for p in ["weight_orig", "weight_u", "weight_v", "bias"]} <= keys
        for norm in ["norm_0", "norm_1"]:
            for p in ["mlp_shared.0.weight", "mlp_shared.0.bias", "mlp_gamma.weight", "mlp_beta.bias",
                      "param_free_norm.running_mean", "param_free_norm.running_var",
                      "param_free_norm.num_batches_tracked"]:
                assert f"{block}.{norm}.{p}" in keys
    assert "up_0.conv_s.weight_orig" in keys and "up_0.conv_s.bias" not in keys
    assert "head_0.conv_s.weight_orig" not in keys
    assert {"fc.weight", "fc.bias", "conv_img.weight", "conv_img.bias"} <= keys
    assert not any(k.startswith("up_4") or k.startswith("fc_z") for k in keys)
    state = SPADEGenerator(cfg).state_dict()
    assert state["fc.weight"].shape == (64, 13, 3, 3)
    assert state["up_0.conv_0.weight"].shape == (32, 64, 3, 3)  # fmiddle = min(fin, fout)
    assert state["up_3.norm_s.mlp_gamma.weight"].shape == (8, 8, 3, 3)
    assert state["conv_img.weight"].shape == (3, 4, 3, 3)


def test_spade_hidden_per_block_and_most():
    cfg = gen_cfg(upsampling="most", spadeHidden={"default": 8, "up_4": 3})
    state = SPADEGenerator(cfg).state_dict()
    assert state["up_4.norm_0.mlp_shared.0.weight"].shape == (3, 13, 3, 3)
    assert state["head_0.norm_0.mlp_shared.0.weight"].shape == (8, 13, 3, 3)
    assert state["conv_img.weight"].shape == (3, 2, 3, 3)
    assert state["fc_z.weight"].shape == (64, 8)


def test_init_weights_xavier_gain():
    torch.manual_seed(0)
    g = init_weights(SPADEGenerator(gen_cfg(ngf=16, spadeHidden=32), spectral=True))
    w = g.head_0.conv_0.weight_orig
    fan_in, fan_out = w.shape[1] * 9, w.shape[0] * 9
    expected = 0.02 * (2.0 / (fan_in + fan_out)) ** 0.5
    assert abs(w.std().item() / expected - 1) < 0.05
    assert g.head_0.conv_0.bias.abs().max() == 0


def test_encoder_shapes_and_names():
    e = init_weights(ConvEncoder({"ndf": 4, "zDim": 8, "inputSize": 128}, spectral=True))
    mu, logvar = e(torch.randn(2, 3, 128, 128))
    assert mu.shape == logvar.shape == (2, 8)
    keys = set(e.state_dict())
    assert "layer1.0.weight_orig" in keys and "layer6.0.weight_orig" in keys
    assert not any(k.endswith(".0.bias") for k in keys)
    assert e.fc_mu.weight.shape == (8, 32 * 2 * 2)
    with pytest.raises(ValueError, match="at least"):
        ConvEncoder({"ndf": 4, "zDim": 8, "inputSize": MIN_ENCODER_INPUT_SIZE // 2})


def test_safetensors_round_trip(tmp_path):
    tensors = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "b": np.array([1, -2], dtype=np.int64),
        "c": np.array(3.5, dtype=np.float16),
        "d": torch.ones(2, 2),
    }
    path = str(tmp_path / "t.safetensors")
    safetensors_io.save_file(tensors, path, metadata={"k": "v"})
    raw = open(path, "rb").read()
    header_len = int.from_bytes(raw[:8], "little")
    assert header_len % 8 == 0
    loaded, meta = safetensors_io.load_file_with_metadata(path)
    assert meta == {"k": "v"}
    np.testing.assert_array_equal(loaded["a"], tensors["a"])
    assert loaded["b"].dtype == np.int64 and loaded["c"].shape == () and loaded["c"] == 3.5
    np.testing.assert_array_equal(loaded["d"], np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="data_offsets"):
        safetensors_io.load_bytes(raw[:-4])


def test_state_dict_round_trip(tmp_path):
    g = init_weights(SPADEGenerator(gen_cfg()))
    path = str(tmp_path / "g.safetensors")
    safetensors_io.save_state_dict(g, path)
    g2 = SPADEGenerator(gen_cfg())
    safetensors_io.load_state_dict(g2, path)
    for (k, v), (k2, v2) in zip(g.state_dict().items(), g2.state_dict().items()):
        assert k == k2 and torch.equal(v, v2)
