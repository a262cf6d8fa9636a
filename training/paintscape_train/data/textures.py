"""Texture sets for the scene synthesizer.

`load_textures(cache_dir)` reads the photo textures that training/data/fetch_textures.sh unpacks
from Debian packages (licences: training/NOTICE). When the cache is absent (CI, fresh clones) or
`procedural=True`, it builds a procedural stand-in set with the same structure, so the
synthesizer and its tests run everywhere; photo textures simply make the scenes more realistic.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image


GROUND_TEXTURE_SIZE = 256  # level 0 of every ground texture pyramid (square, tileable)
SPRITE_MAX_SIDE = 256  # sprites are stored at most this large; enough for 512-px scenes
PREPARED_CACHE_NAME = "prepared-v1.pkl"  # bump the version when the loader changes  # pre-cut sprites + pyramids, next to the raw files
MIN_SPRITE_PIXELS = 400  # connected blobs smaller than this on a sheet are specks, not sprites

LUGARU = "lugaru-data/usr/share/games/lugaru/Textures"
ETR = "extremetuxracer-data/usr/share/games/etr/terrains"
SCORCHED = "scorched3d-data/usr/share/games/scorched3d/data/globalmods/none/data/textures/landscape"
FLIGHTGEAR = "flightgear-data-base/usr/share/games/flightgear/Textures"

# Which photo files feed which ground material (paths relative to the cache root).
GROUND_SOURCES: dict[str, list[str]] = {
    "grass": [f"{LUGARU}/GrassDirt2.jpg", f"{LUGARU}/GrassDirt.jpg", f"{ETR}/grass01.png",
              f"{ETR}/grass02.png", f"{ETR}/grass03.png"],
    "dirt": [f"{ETR}/dirt01.png", f"{ETR}/mud01.png", f"{LUGARU}/GrassBox.jpg",
             f"{SCORCHED}/default/texture0.jpg"],
    "sand": [f"{LUGARU}/Sand.jpg", f"{LUGARU}/SandSlope.jpg", f"{ETR}/sand01.png"],
    "rock": [f"{LUGARU}/Rock.jpg", f"{LUGARU}/Rock2.jpg", f"{LUGARU}/MossRock.jpg",
             f"{LUGARU}/Boulder.jpg", f"{ETR}/rock01.png", f"{ETR}/rock03.png", f"{ETR}/rock05.png"],
    "snow": [f"{LUGARU}/Snow.jpg", f"{ETR}/snow01.png", f"{ETR}/snow02.png"],
    "mountain": [f"{LUGARU}/Rock.jpg", f"{LUGARU}/Rock2.jpg", f"{LUGARU}/Boulder.jpg",
                 f"{ETR}/rock01.png", f"{ETR}/rock03.png", f"{SCORCHED}/denali/rockside.jpg",
                 f"{SCORCHED}/snow/rockside.jpg"],
    "sea": [f"{SCORCHED}/default/cubemap.jpg"],
}
TREE_SHEETS = [f"{FLIGHTGEAR}/Trees/{name}.png" for name in (
    "deciduous-alt", "coniferous-alt", "mixed-alt", "evergreen-mediterranean", "australia-trees",
    "deciduous", "coniferous", "mixed")]
BUSH_SHEETS = [f"{FLIGHTGEAR}/Trees/{name}.png" for name in (
    "hawaii-shrub", "mediterranean-shrub", "mixed-shrub")]
# Lugaru's bush sprites hang upside down (they are billboards seen from below): flipped on load.
BUSH_FLIPPED = [f"{LUGARU}/Bush.png", f"{LUGARU}/BushSnow.png"]
CLOUD_SHEETS = [f"{FLIGHTGEAR}/Sky/{name}.png" for name in (
    "cl_cu", "cl_cu2", "cl_cumulus", "cl_cumulus2")]
CLOUD_LAYERS = [f"{FLIGHTGEAR}/Sky/{name}.png" for name in ("few", "scattered", "broken")]

Pyramid = list  # list[np.ndarray]: float32 (s, s, 3) in [0, 1], halving per level down to 4 px


@dataclass
class Sprite:
    """An RGBA cut-out (uint8, bottom-centre is where it touches the ground) plus its tags."""

    rgba: np.ndarray
    tags: frozenset = frozenset()


@dataclass
class TextureSet:
    ground: dict  # material name -> list[Pyramid]
    trees: list  # list[Sprite], tagged "green" / "bare" / "snowy"
    bushes: list  # list[Sprite]
    clouds: list  # list[Sprite] (white-ish cumulus with alpha)
    cloud_layers: list  # list[np.ndarray] float32 (s, s) tileable cloud opacity
    procedural: bool
    sources: list = field(default_factory=list)  # relative paths actually read


def default_cache_dir() -> Path:
    env = os.environ.get("PAINTSCAPE_TEXTURE_CACHE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".cache" / "textures"


def make_pyramid(image: np.ndarray) -> Pyramid:
    levels = [image.astype(np.float32)]
    while levels[-1].shape[0] > 4:
        a = levels[-1]
        levels.append(0.25 * (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]))
    return levels


def _read_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        rgb = image.convert("RGB").resize((GROUND_TEXTURE_SIZE, GROUND_TEXTURE_SIZE),
                                          Image.Resampling.BOX)
    return np.asarray(rgb, dtype=np.float32) / 255.0


def _read_rgba(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def _split_runs(mask_1d: np.ndarray) -> list:
    """(start, stop) runs of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask_1d, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[0::2], edges[1::2]))


def cut_sprites(sheet: np.ndarray) -> list:
    """Cut a sprite sheet into its sprites: rows separated by empty lines, then columns."""
    opaque = sheet[:, :, 3] > 40
    sprites = []
    for top, bottom in _split_runs(opaque.any(axis=1)):
        band = opaque[top:bottom]
        for left, right in _split_runs(band.any(axis=0)):
            cell = band[:, left:right]
            if cell.sum() < MIN_SPRITE_PIXELS:
                continue
            rows = np.flatnonzero(cell.any(axis=1))
            sprite = sheet[top + rows[0]:top + rows[-1] + 1, left:right]
            sprites.append(_limit_size(sprite))
    return sprites


def _limit_size(rgba: np.ndarray) -> np.ndarray:
    h, w = rgba.shape[:2]
    scale = SPRITE_MAX_SIDE / max(h, w)
    if scale >= 1.0:
        return np.ascontiguousarray(rgba)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(rgba, "RGBA").resize(size, Image.Resampling.LANCZOS))


def tag_vegetation(rgba: np.ndarray) -> frozenset:
    """'snowy' (white flecks), 'bare' (no foliage: winter branches) or 'green'."""
    opaque = rgba[:, :, 3] > 128
    rgb = rgba[:, :, :3][opaque].astype(np.float32) / 255.0
    if rgb.size == 0:
        return frozenset({"bare"})
    white = float(np.mean(rgb.min(axis=1) > 0.7))
    greenness = float(np.mean(rgb[:, 1] - 0.5 * (rgb[:, 0] + rgb[:, 2])))
    if white > 0.02:
        return frozenset({"snowy"})
    if greenness < 0.03:
        return frozenset({"bare"})
    return frozenset({"green"})


def _load_photo_set(root: Path) -> TextureSet:
    sources = []
    ground = {}
    for material, paths in GROUND_SOURCES.items():
        ground[material] = []
        for rel in paths:
            if (root / rel).is_file():
                ground[material].append(make_pyramid(_read_rgb(root / rel)))
                sources.append(rel)
    trees = []
    for rel in TREE_SHEETS:
        if (root / rel).is_file():
            trees += [Sprite(s, tag_vegetation(s)) for s in cut_sprites(_read_rgba(root / rel))]
            sources.append(rel)
    bushes = []
    for rel in BUSH_SHEETS:
        if (root / rel).is_file():
            bushes += [Sprite(s, tag_vegetation(s)) for s in cut_sprites(_read_rgba(root / rel))]
            sources.append(rel)
    for rel in BUSH_FLIPPED:
        if (root / rel).is_file():
            flipped = _read_rgba(root / rel)[::-1]
            bushes += [Sprite(s, tag_vegetation(s)) for s in cut_sprites(flipped)]
            sources.append(rel)
    clouds = []
    for rel in CLOUD_SHEETS:
        if (root / rel).is_file():
            clouds += [Sprite(s, frozenset({"cloud"})) for s in cut_sprites(_read_rgba(root / rel))]
            sources.append(rel)
    cloud_layers = []
    for rel in CLOUD_LAYERS:
        if (root / rel).is_file():
            rgba = _read_rgba(root / rel).astype(np.float32) / 255.0
            cloud_layers.append(rgba[:, :, 3] * rgba[:, :, :3].mean(axis=2))
            sources.append(rel)
    return TextureSet(ground, trees, bushes, clouds, cloud_layers, procedural=False,
                      sources=sources)


def _photo_set_complete(textures: TextureSet) -> bool:
    return (all(textures.ground.get(m) for m in GROUND_SOURCES) and bool(textures.trees)
            and bool(textures.bushes) and bool(textures.clouds) and bool(textures.cloud_layers))


# ----------------------------------------------------------------------------- procedural

PROCEDURAL_PALETTES = {  # (dark, light) colours mixed by fbm noise
    "grass": ((0.16, 0.30, 0.08), (0.45, 0.58, 0.20)),
    "dirt": ((0.28, 0.20, 0.13), (0.55, 0.44, 0.32)),
    "sand": ((0.70, 0.62, 0.45), (0.90, 0.84, 0.68)),
    "rock": ((0.30, 0.30, 0.29), (0.66, 0.64, 0.60)),
    "snow": ((0.80, 0.84, 0.90), (0.98, 0.98, 1.00)),
    "mountain": ((0.28, 0.27, 0.28), (0.60, 0.57, 0.55)),
    "sea": ((0.10, 0.22, 0.30), (0.45, 0.58, 0.66)),
}


def _tileable_fbm(rng: np.random.Generator, size: int, cells: int, octaves: int) -> np.ndarray:
    """Seamlessly tileable fractal noise in ~[0, 1]: white noise shaped to a 1/f spectrum
    (periodic by construction, unlike lattice fbm), with features no larger than size/cells."""
    noise = rng.standard_normal((size, size))
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.fftfreq(size)[None, :]
    radius = np.hypot(fy, fx)
    radius[0, 0] = 1.0
    spectrum = np.fft.fft2(noise) / radius ** 1.5
    spectrum[radius < 0.5 * cells / size] = 0.0  # no features larger than one cell
    spectrum[radius > cells * 2 ** octaves / size] *= 0.25  # soften the finest grain
    field = np.real(np.fft.ifft2(spectrum))
    field = (field - field.mean()) / max(float(field.std()), 1e-9)
    return np.clip(0.5 + 0.18 * field, 0.0, 1.0).astype(np.float32)


def _procedural_sprite(rng: np.random.Generator, kind: str) -> Sprite:
    h, w = (96, 56) if kind == "tree" else (40, 56) if kind == "bush" else (64, 128)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = _tileable_fbm(rng, max(h, w), 6, 4)[:h, :w]
    if kind == "tree":
        conifer = rng.random() < 0.5
        crown_bottom = 0.8 * h
        if conifer:  # a cone
            half_width = (yy / crown_bottom) * 0.5 * w
            crown = (np.abs(xx - w / 2) < half_width * (0.7 + 0.6 * grain)) & (yy < crown_bottom)
        else:  # an ellipse
            crown = (((xx - w / 2) / (0.48 * w)) ** 2 + ((yy - 0.42 * h) / (0.4 * h)) ** 2
                     < 0.75 + 0.5 * grain)
        trunk = (np.abs(xx - w / 2) < w * 0.06) & (yy > 0.5 * h)
        base = np.array([0.10, 0.25, 0.08]) if conifer else np.array([0.20, 0.36, 0.10])
        rgb = base[None, None] * (0.6 + 0.8 * grain[..., None])
        rgb = np.where(trunk[..., None] & ~crown[..., None], np.array([0.25, 0.17, 0.10]), rgb)
        alpha = crown | trunk
        tags = frozenset({"green"})
    elif kind == "bush":
        alpha = (((xx - w / 2) / (0.5 * w)) ** 2 + ((yy - 0.6 * h) / (0.6 * h)) ** 2
                 < 0.7 + 0.5 * grain)
        rgb = np.array([0.18, 0.32, 0.10])[None, None] * (0.6 + 0.8 * grain[..., None])
        tags = frozenset({"green"})
    else:  # cloud
        alpha = (((xx - w / 2) / (0.5 * w)) ** 2 + ((yy - 0.55 * h) / (0.5 * h)) ** 2
                 < 0.3 + 0.9 * grain)
        shade = 0.75 + 0.25 * (1.0 - yy / h)
        rgb = np.repeat((shade * (0.85 + 0.15 * grain))[..., None], 3, axis=2)
        tags = frozenset({"cloud"})
    rgba = np.dstack([np.clip(rgb, 0, 1) * 255, alpha * 255.0]).astype(np.uint8)
    return Sprite(rgba, tags)


def _procedural_set() -> TextureSet:
    rng = np.random.default_rng(20260303)  # fixed: the procedural set is the same everywhere
    ground = {}
    for material, (dark, light) in PROCEDURAL_PALETTES.items():
        ground[material] = []
        for _ in range(2):
            t = _tileable_fbm(rng, GROUND_TEXTURE_SIZE, 8, 5)[..., None]
            t = np.clip((t - 0.5) * 2.2 + 0.5, 0, 1)
            rgb = np.array(dark, np.float32) + (np.array(light, np.float32) - dark) * t
            ground[material].append(make_pyramid(rgb.astype(np.float32)))
    trees = [_procedural_sprite(rng, "tree") for _ in range(12)]
    bushes = [_procedural_sprite(rng, "bush") for _ in range(6)]
    clouds = [_procedural_sprite(rng, "cloud") for _ in range(6)]
    layers = []
    for _ in range(2):
        t = _tileable_fbm(rng, GROUND_TEXTURE_SIZE, 4, 5)
        layers.append(np.clip((t - 0.45) * 3.0, 0, 1).astype(np.float32))
    return TextureSet(ground, trees, bushes, clouds, layers, procedural=True)


_LOADED: dict = {}


def load_textures(cache_dir: str | os.PathLike | None = None, procedural: bool = False) -> TextureSet:
    """The photo texture set from `cache_dir` (default: $PAINTSCAPE_TEXTURE_CACHE or
    training/.cache/textures), or the procedural set when the cache is absent / incomplete or
    `procedural` is true. Loaded sets are memoised per process and pickled next to the cache."""
    if procedural:
        key = "procedural"
    else:
        root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        key = str(root.resolve())
    if key in _LOADED:
        return _LOADED[key]
    if procedural or not root.is_dir():
        textures = _procedural_set()
    else:
        prepared = root / PREPARED_CACHE_NAME
        textures = None
        if prepared.is_file():
            try:
                with open(prepared, "rb") as handle:
                    textures = pickle.load(handle)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                textures = None  # stale or truncated: rebuild below
        if textures is None:
            textures = _load_photo_set(root)
            if _photo_set_complete(textures):
                tmp = prepared.with_suffix(".tmp")
                with open(tmp, "wb") as handle:
                    pickle.dump(textures, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, prepared)
        if not _photo_set_complete(textures):
            textures = _procedural_set()
    _LOADED[key] = textures
    return textures
