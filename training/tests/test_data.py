"""Tests for the training data: scene synthesizer (procedural and, when cached, photo textures)
and the on-disk pair datasets. Run: cd training && /usr/bin/python3 -m pytest -q tests/test_data.py
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paintscape_train.data import (LANDSCAPE_CLASSES, PairFolderDataset,  # noqa: E402
                                   SyntheticLandscapes, default_cache_dir, load_textures,
                                   render_scene, scene_seed)
from paintscape_train.data import synth  # noqa: E402
from paintscape_train.data.textures import (GROUND_SOURCES, cut_sprites,  # noqa: E402
                                            tag_vegetation)

PHOTO_CACHE_PRESENT = (default_cache_dir() / "lugaru-data" / ".done").is_file() and \
    (default_cache_dir() / "flightgear-data-base" / ".done").is_file()
TEXTURE_MODES = [
    pytest.param(True, id="procedural"),
    pytest.param(False, id="photo", marks=pytest.mark.skipif(
        not PHOTO_CACHE_PRESENT, reason="texture cache absent: run training/data/fetch_textures.sh")),
]


@pytest.mark.parametrize("procedural", TEXTURE_MODES)
def test_every_class_appears_and_pairs_are_valid(procedural):
    dataset = SyntheticLandscapes(None, size=128, count=50, seed=0, procedural=procedural)
    assert dataset.textures.procedural is procedural
    seen = np.zeros(256, bool)
    for labels, image in dataset:
        assert labels.shape == (128, 128) and labels.dtype == np.uint8
        assert image.shape == (128, 128, 3) and image.dtype == np.uint8
        assert labels.max() < len(LANDSCAPE_CLASSES)  # the synthesizer never leaves 255
        seen[np.unique(labels)] = True
    missing = [LANDSCAPE_CLASSES[i] for i in range(len(LANDSCAPE_CLASSES)) if not seen[i]]
    assert missing == []


@pytest.mark.parametrize("procedural", TEXTURE_MODES)
def test_same_seed_gives_identical_bytes(procedural):
    textures = load_textures(procedural=procedural)
    first = render_scene(1234, 96, textures)
    second = render_scene(1234, 96, textures)
    assert first[0].tobytes() == second[0].tobytes()
    assert first[1].tobytes() == second[1].tobytes()
    other = render_scene(1235, 96, textures)
    assert other[1].tobytes() != first[1].tobytes()


def test_dataset_items_are_deterministic_and_independent_of_order():
    dataset = SyntheticLandscapes(None, size=64, count=5, seed=7, procedural=True)
    later_first = dataset[3]
    for _ in dataset:
        pass
    assert dataset[3][1].tobytes() == later_first[1].tobytes()
    assert dataset[-2][1].tobytes() == later_first[1].tobytes()
    assert scene_seed(7, 3) != scene_seed(8, 3) and scene_seed(7, 3) != scene_seed(7, 4)
    with pytest.raises(IndexError):
        dataset[5]
    with pytest.raises(ValueError):
        SyntheticLandscapes(None, count=-1, procedural=True)


def test_non_square_and_large_sizes():
    textures = load_textures(procedural=True)
    labels, image = render_scene(5, (96, 160), textures)
    assert labels.shape == (96, 160) and image.shape == (96, 160, 3)
    labels, image = render_scene(5, 512, textures)
    assert labels.shape == (512, 512) and image.shape == (512, 512, 3)


def test_labels_match_what_was_painted_on_top():
    # Sky pixels must look like sky (bluish or grey, brighter than the ground), water pixels
    # must not be labelled where grass was painted: check class colour statistics are distinct.
    textures = load_textures(procedural=True)
    sums = np.zeros((len(LANDSCAPE_CLASSES), 3))
    counts = np.zeros(len(LANDSCAPE_CLASSES))
    for index in range(20):
        labels, image = render_scene(scene_seed(3, index), 96, textures)
        for label in np.unique(labels):
            sums[label] += image[labels == label].reshape(-1, 3).sum(axis=0)
            counts[label] += (labels == label).sum()
    means = sums / np.maximum(counts, 1)[:, None]
    assert means[synth.SKY].mean() > means[synth.GRASS].mean() + 40
    assert means[synth.SNOW].mean() > means[synth.GRASS].mean() + 60
    assert means[synth.GRASS][1] > means[synth.GRASS][2]  # grass is greener than it is blue


def test_missing_cache_falls_back_to_procedural(tmp_path):
    textures = load_textures(tmp_path / "does-not-exist")
    assert textures.procedural
    assert set(GROUND_SOURCES) <= set(textures.ground)


def test_cut_sprites_splits_a_sheet_and_tags_vegetation():
    sheet = np.zeros((100, 120, 4), np.uint8)
    sheet[10:40, 5:30] = (40, 140, 30, 255)  # green tree, row 1
    sheet[10:45, 60:90] = (90, 70, 50, 255)  # bare (brown) tree, row 1
    sheet[60:95, 20:50] = (40, 140, 30, 255)  # row 2
    sheet[70:80, 30:40, :3] = 250  # white flecks: snow
    sheet[2:4, 100:102] = (40, 140, 30, 255)  # a speck: ignored
    sprites = cut_sprites(sheet)
    assert [s.shape[:2] for s in sprites] == [(30, 25), (35, 30), (35, 30)]
    assert [sorted(tag_vegetation(s)) for s in sprites] == [["green"], ["bare"], ["snowy"]]


def test_cli_writes_pairs_that_the_pairs_layout_reads_back(tmp_path):
    synth.main(["--out", str(tmp_path), "--count", "3", "--size", "64", "--seed", "11",
                "--procedural"])
    images = sorted((tmp_path / "images").glob("*.png"))
    labels = sorted((tmp_path / "labels").glob("*.png"))
    assert len(images) == 3 and len(labels) == 3
    assert Image.open(labels[0]).mode == "L"
    dataset = PairFolderDataset(tmp_path, layout="pairs", size=64)
    assert len(dataset) == 3
    textures = load_textures(procedural=True)
    expected_labels, expected_image = render_scene(scene_seed(11, 0), 64, textures)
    got_labels, got_image = dataset[0]
    assert got_labels.tobytes() == expected_labels.tobytes()
    assert got_image.tobytes() == expected_image.tobytes()


def _write_pair(image_path, label_path, labels, mode="L", jpeg=True):
    image_path.parent.mkdir(parents=True, exist_ok=True)
    label_path.parent.mkdir(parents=True, exist_ok=True)
    h, w = labels.shape
    rgb = np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8)
    if jpeg:
        Image.fromarray(rgb).save(image_path, quality=90)
    else:
        Image.fromarray(rgb).save(image_path)
    label_image = Image.fromarray(labels, "L")
    if mode == "P":  # indexed PNG: the indices are the ids, whatever the palette colours
        label_image = Image.fromarray(labels, "P")
        label_image.putpalette([v for i in range(256) for v in (i, 255 - i, (7 * i) % 256)])
    label_image.save(label_path)


def test_pairs_layout_resizes_with_nearest_and_crops(tmp_path):
    labels = np.zeros((40, 80), np.uint8)
    labels[:, 40:] = 7
    labels[:20, :] = 0
    labels[30:, 10:20] = 10
    _write_pair(tmp_path / "images" / "a.jpg", tmp_path / "labels" / "a.png", labels, mode="P")
    _write_pair(tmp_path / "images" / "b.png", tmp_path / "labels" / "b.png", labels, jpeg=False)
    (tmp_path / "images" / "orphan.jpg").write_bytes(b"no label: skipped")
    dataset = PairFolderDataset(tmp_path, layout="pairs", size=32)
    assert len(dataset) == 2
    for got_labels, got_image in dataset:
        assert got_labels.shape == (32, 32) and got_image.shape == (32, 32, 3)
        assert set(np.unique(got_labels)) <= {0, 7, 10}  # nearest: no blended ids
        # 40x80 -> 32x64, centre crop keeps columns 16..47 of the 64: left half 0/10, right 7.
        assert got_labels[20, 0] != 7 and got_labels[20, 31] == 7


def test_ade20k_layout_maps_to_landscape_and_zero_is_dont_care(tmp_path):
    base = tmp_path / "ADEChallengeData2016"
    labels = np.array([[0, 3, 17, 200], [5, 10, 22, 47]], np.uint8).repeat(8, 0).repeat(8, 1)
    _write_pair(base / "images" / "training" / "ADE_train_1.jpg",
                base / "annotations" / "training" / "ADE_train_1.png", labels)
    got, _ = PairFolderDataset(tmp_path, layout="ade20k", size=16)[0]
    expected = np.array([[255, synth.SKY, synth.MOUNTAIN, 255],
                         [synth.TREE, synth.GRASS, synth.WATER, synth.SAND]], np.uint8)
    # 16x32 -> centre crop of width 16 keeps label columns 1..2 of the original 4.
    assert np.array_equal(got[::8, ::8], expected[:, 1:3])
    raw, _ = PairFolderDataset(tmp_path, layout="ade20k", size=16, label_map="raw")[0]
    assert np.array_equal(raw[::8, ::8], np.array([[2, 16], [9, 21]], np.uint8))


def test_coco_stuff_layout_maps_to_landscape(tmp_path):
    labels = np.array([[156, 105, 0, 255], [123, 168, 154, 110]], np.uint8).repeat(8, 0).repeat(8, 1)
    _write_pair(tmp_path / "train2017" / "000000000009.jpg",
                tmp_path / "stuffthingmaps_trainval2017" / "train2017" / "000000000009.png", labels)
    dataset = PairFolderDataset(tmp_path, layout="coco-stuff", size=16)
    got, image = dataset[0]
    assert image.shape == (16, 16, 3)
    assert np.array_equal(got[::8, ::8], np.array([[synth.CLOUD, 255], [synth.TREE, synth.WATER]]))
    raw, _ = PairFolderDataset(tmp_path, layout="coco-stuff", size=16, label_map="raw")[0]
    assert np.array_equal(raw[::8, ::8], np.array([[105, 0], [168, 154]], np.uint8))


def test_pair_dataset_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="layout"):
        PairFolderDataset(tmp_path, layout="voc")
    with pytest.raises(ValueError, match="size"):
        PairFolderDataset(tmp_path, size=0)
    with pytest.raises(FileNotFoundError, match="images"):
        PairFolderDataset(tmp_path, layout="pairs")
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    with pytest.raises(FileNotFoundError, match="no image/label pairs"):
        PairFolderDataset(tmp_path, layout="pairs")
    _write_pair(tmp_path / "images" / "x.jpg", tmp_path / "labels" / "x.png",
                np.zeros((8, 8), np.uint8))
    Image.fromarray(np.zeros((9, 8), np.uint8)).save(tmp_path / "labels" / "x.png")
    with pytest.raises(ValueError, match="label size"):
        PairFolderDataset(tmp_path, layout="pairs")[0]
    Image.new("RGB", (8, 8)).save(tmp_path / "labels" / "x.png")
    with pytest.raises(ValueError, match="grayscale or indexed"):
        PairFolderDataset(tmp_path, layout="pairs")[0]
