"""Procedural landscape scenes: (label map, photo) pairs for training the landscape model.

Every scene is a pure function of its seed (one numpy Generator per scene). The painter paints
back to front and writes, for each pixel, the label of whatever it painted on top (where a soft
edge is at least half opaque), so labels are exact for the photo.

CLI: python3 -m paintscape_train.data.synth --out DIR --count N --size 256 --seed S
writes DIR/images/<stem>.png and DIR/labels/<stem>.png (labels as 8-bit grayscale PNG).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .noise import fbm_1d, fbm_2d, make_lattice
from .textures import Sprite, TextureSet, load_textures

# core's `landscape` label set (packages/core/src/labels).
SKY, CLOUD, MOUNTAIN, HILL, ROCK, SNOW, WATER, GRASS, TREE, BUSH, FLOWER, SAND, DIRT = range(13)
LANDSCAPE_CLASSES = ("sky", "cloud", "mountain", "hill", "rock", "snow", "water", "grass",
                     "tree", "bush", "flower", "sand", "dirt")
UNLABELED = 255
# Bump whenever a change alters rendered pixels or labels, so caches of rendered pairs
# (e.g. paintscape_train/dataset_cache.py) can key on it.
SYNTH_VERSION = 1
GROUND_MATERIAL_LABELS = {"grass": GRASS, "dirt": DIRT, "sand": SAND, "rock": ROCK, "snow": SNOW}

TIMES_OF_DAY = ("noon", "golden", "overcast")
SEASONS = ("summer", "autumn", "winter")
MIN_SPRITE_HEIGHT_PX = 3  # farther vegetation is below a few pixels: it would only add noise
FOGGY_SCENE_PROBABILITY = 0.1
LABEL_ALPHA_THRESHOLD = 0.5  # a pixel takes a layer's label where that layer is >= half opaque


@dataclass(frozen=True)
class SceneStyle:
    """The global look of a scene: what a style encoder should be able to pick up."""

    time_of_day: str
    season: str
    haze: float  # fog distance scale; lower = hazier
    cloud_cover: float  # 0..1

    def describe(self) -> str:
        return f"{self.time_of_day}/{self.season}/haze{self.haze:.2f}/clouds{self.cloud_cover:.2f}"


# Per time of day: sky top colour, sky horizon colour, sunlight colour, water colour.
TIME_PALETTES = {
    "noon": ((0.22, 0.42, 0.80), (0.70, 0.80, 0.93), (1.05, 1.02, 0.96), (0.10, 0.22, 0.30)),
    "golden": ((0.25, 0.33, 0.60), (1.00, 0.72, 0.48), (1.10, 0.84, 0.60), (0.14, 0.16, 0.22)),
    "overcast": ((0.52, 0.55, 0.60), (0.76, 0.78, 0.80), (0.78, 0.80, 0.82), (0.20, 0.24, 0.26)),
}

_YIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]],
                np.float32)
_YIQ_INV = np.linalg.inv(_YIQ).astype(np.float32)


def hue_matrix(degrees: float, saturation: float = 1.0) -> np.ndarray:
    """3x3 matrix rotating hue (in YIQ) and scaling saturation; apply as rgb @ M.T."""
    t = np.deg2rad(degrees)
    rot = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]], np.float32)
    rot[1:, 1:] *= saturation
    return (_YIQ_INV @ rot @ _YIQ).astype(np.float32)


def sample_style(rng: np.random.Generator) -> SceneStyle:
    time_of_day = TIMES_OF_DAY[rng.choice(3, p=[0.5, 0.25, 0.25])]
    season = SEASONS[rng.choice(3, p=[0.5, 0.25, 0.25])]
    cover = rng.uniform(0.75, 1.0) if time_of_day == "overcast" else rng.uniform(0.0, 0.7)
    # Mostly clear air; sometimes fog that swallows the far ground, hills and trees.
    haze = rng.uniform(0.08, 0.25) if rng.random() < FOGGY_SCENE_PROBABILITY else rng.uniform(0.4, 1.6)
    if haze < 0.3:
        cover = 0.0  # clouds are not visible through fog: a veiled sky is labelled sky
    return SceneStyle(time_of_day, season, float(haze), float(cover))


class _Painter:
    """Canvas + labels; every paint call composites colour and writes labels by alpha."""

    def __init__(self, height: int, width: int):
        self.image = np.zeros((height, width, 3), np.float32)
        self.labels = np.full((height, width), UNLABELED, np.uint8)

    def paint(self, rows: slice, cols: slice, alpha: np.ndarray, rgb: np.ndarray,
              label: int | np.ndarray) -> None:
        region = self.image[rows, cols]
        a = alpha[..., None]
        region += (rgb - region) * a
        covered = alpha >= LABEL_ALPHA_THRESHOLD
        if np.isscalar(label):
            self.labels[rows, cols][covered] = label
        else:
            self.labels[rows, cols][covered] = label[covered]


def _sample_pyramid(pyramid: list, u: np.ndarray, v: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Nearest-texel lookup at level-0 texel coords (u, v), from the mip level per pixel."""
    out = np.empty(u.shape + (3,), np.float32)
    for lvl in np.unique(level):
        tex = pyramid[int(lvl)]
        size = tex.shape[0]
        sel = level == lvl
        scale = 1.0 / (1 << int(lvl))
        iu = (np.floor(u[sel] * scale).astype(np.int64)) % size
        iv = (np.floor(v[sel] * scale).astype(np.int64)) % size
        out[sel] = tex[iv, iu]
    return out


def _mip_level(texels_per_pixel: np.ndarray, pyramid: list) -> np.ndarray:
    level = np.floor(np.log2(np.maximum(texels_per_pixel, 1e-6)))
    return np.clip(level, 0, len(pyramid) - 1).astype(np.int64)


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _pick(rng: np.random.Generator, items: list):
    return items[int(rng.integers(len(items)))]


def _resize_sprite(rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    image = Image.fromarray(rgba, "RGBA")
    shrink = rgba.shape[0] / max(height, 1)
    method = Image.Resampling.BOX if shrink > 2 else Image.Resampling.BILINEAR
    return np.asarray(image.resize((width, height), method), dtype=np.float32) / 255.0


def render_scene(seed: int, size: int | tuple = 256, textures: TextureSet | None = None,
                 return_style: bool = False):
    """Render one scene. size: int (square) or (height, width). Returns (labels uint8 HxW,
    image uint8 HxWx3) and, with return_style, the SceneStyle as a third item."""
    if textures is None:
        textures = load_textures()
    height, width = (size, size) if np.isscalar(size) else (int(size[0]), int(size[1]))
    rng = np.random.default_rng(seed)
    style = sample_style(rng)
    sky_top, sky_horizon, sun, water_rgb = (np.array(c, np.float32)
                                            for c in TIME_PALETTES[style.time_of_day])
    # Per-scene jitter of the palette so two noon scenes are not the same colour.
    sky_top = np.clip(sky_top * rng.uniform(0.88, 1.12, 3), 0, 1).astype(np.float32)
    sky_horizon = np.clip(sky_horizon * rng.uniform(0.94, 1.06, 3), 0, 1).astype(np.float32)
    haze_rgb = sky_horizon * 0.92 + 0.08
    lattice = make_lattice(rng)
    painter = _Painter(height, width)
    horizon = int(round(height * rng.uniform(0.34, 0.58)))
    focal = float(width)
    cam_height = float(rng.uniform(1.6, 6.0))
    fog_distance = 700.0 * style.haze * (0.55 if style.time_of_day == "overcast" else 1.0)

    # ------------------------------------------------------------------ sky
    rows = np.arange(height, dtype=np.float32)[:, None]
    t = np.clip(rows / max(horizon, 1), 0, 1) ** 1.6
    sky = sky_top + (sky_horizon - sky_top) * t[..., None]
    sky = np.broadcast_to(sky, (height, width, 3)).copy()
    if style.time_of_day == "golden":  # warm glow around a low sun
        sun_x = rng.uniform(0.1, 0.9) * width
        xx = np.arange(width, dtype=np.float32)[None, :]
        dist = np.hypot((xx - sun_x) / width, (rows - horizon) / height)
        sky += (np.exp(-dist * 6.0) * 0.35)[..., None] * np.array([1.0, 0.75, 0.4], np.float32)
    painter.paint(slice(None), slice(None), np.ones((height, width), np.float32), sky, SKY)
    _paint_cloud_layer(painter, rng, textures, style, horizon, focal)
    _paint_cloud_sprites(painter, rng, textures, style, horizon)
    if style.haze < 0.3:  # fog veils the whole sky, most of all near the horizon
        veil = (0.35 + 0.5 * np.clip(rows[:horizon] / max(horizon, 1), 0, 1))[..., None]
        painter.image[:horizon] += (haze_rgb - painter.image[:horizon]) * veil

    # ------------------------------------------------------------------ mountains and hills
    has_sea = rng.random() < 0.3
    foggy = style.haze < 0.3
    # Fog hides distant mountains entirely (rather than label a barely visible range).
    if rng.random() < (0.45 if has_sea else 0.75) and not foggy:
        ranges = 1 + int(rng.random() < 0.5)
        for index in range(ranges):
            far = index == 0 and ranges == 2
            _paint_mountains(painter, rng, textures, style, horizon, haze_rgb, sun, lattice,
                             amplitude=rng.uniform(0.12, 0.32) * (1.2 if far else 1.0),
                             haze=rng.uniform(0.55, 0.75) if far else rng.uniform(0.3, 0.55))
    if rng.random() < (0.4 if has_sea else 0.7):
        _paint_hills(painter, rng, textures, style, horizon, haze_rgb, sun, lattice)
    background = painter.image.copy()  # what water reflects

    # ------------------------------------------------------------------ ground
    ground = _paint_ground(painter, rng, textures, style, horizon, focal, cam_height, lattice,
                           fog_distance, haze_rgb, sun, water_rgb, background, has_sea)
    _paint_flowers(painter, rng, style, horizon, focal, cam_height, sun, ground)
    _paint_objects(painter, rng, textures, style, horizon, focal, cam_height, fog_distance,
                   haze_rgb, sun, ground)

    # ------------------------------------------------------------------ grade and sensor noise
    image = painter.image
    contrast = rng.uniform(0.9, 1.12) * (0.85 if style.time_of_day == "overcast" else 1.0)
    mean = image.mean(axis=(0, 1), keepdims=True)
    image = mean + (image - mean) * contrast
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    vignette = 1.0 - 0.18 * (((xx / width - 0.5) ** 2 + (yy / height - 0.5) ** 2) * 2.0)
    image = image * vignette[..., None] * rng.uniform(0.92, 1.06)
    image += rng.standard_normal(image.shape, dtype=np.float32) * np.float32(0.012)
    image_u8 = (np.clip(image, 0, 1) * 255.0 + 0.5).astype(np.uint8)
    labels = painter.labels
    if return_style:
        return labels, image_u8, style
    return labels, image_u8


# ---------------------------------------------------------------------------------- sky parts

def _paint_cloud_layer(painter, rng, textures, style, horizon, focal):
    if style.cloud_cover < 0.08 or horizon < 4:
        return
    width = painter.image.shape[1]
    layer = _pick(rng, textures.cloud_layers)
    size = layer.shape[0]
    ys = np.arange(horizon, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    # A cloud plane above the camera: depth grows as rows approach the horizon.
    depth = 1.0 / ((horizon - ys + 1.0) / horizon)
    scale = rng.uniform(0.25, 0.6) * size
    u = ((xs - width / 2) / focal * depth * scale + rng.uniform(0, size)).astype(np.float32)
    v = (depth * scale * 0.5 + rng.uniform(0, size)).astype(np.float32)
    iu = np.floor(u).astype(np.int64) % size
    iv = np.floor(np.broadcast_to(v, u.shape)).astype(np.int64) % size
    opacity = layer[iv, iu]
    threshold = 0.6 - 0.5 * style.cloud_cover
    alpha = np.clip((opacity - threshold) * 4.0, 0, 1)
    alpha *= _smoothstep(0.0, 0.12, (horizon - ys) / horizon)  # thin out into the horizon haze
    if style.time_of_day == "overcast":
        base = np.array([0.62, 0.64, 0.67], np.float32) * rng.uniform(0.85, 1.1)
    elif style.time_of_day == "golden":
        base = np.array([1.0, 0.80, 0.66], np.float32)
    else:
        base = np.array([0.97, 0.97, 0.98], np.float32)
    shade = 0.72 + 0.28 * opacity[..., None]
    painter.paint(slice(0, horizon), slice(None), alpha.astype(np.float32),
                  np.clip(base * shade, 0, 1), CLOUD)


def _paint_cloud_sprites(painter, rng, textures, style, horizon):
    height, width = painter.labels.shape
    count = int(rng.integers(0, 5) * (1.0 if style.time_of_day != "overcast" else 0.5))
    if style.cloud_cover <= 0.0:
        count = 0
    for _ in range(count):
        sprite = _pick(rng, textures.clouds).rgba
        cy = rng.uniform(0.1, 0.85) * horizon
        nearness = 1.0 - cy / max(horizon, 1)
        w = int(width * rng.uniform(0.15, 0.4) * (0.4 + nearness))
        h = max(2, int(w * sprite.shape[0] / sprite.shape[1] * rng.uniform(0.6, 0.9)))
        if w < 4:
            continue
        rgba = _resize_sprite(sprite, w, h)
        tint = np.array([1.0, 0.82, 0.68] if style.time_of_day == "golden" else [1, 1, 1],
                        np.float32)
        if style.time_of_day == "overcast":
            tint = tint * 0.75
        _blit(painter, rgba, int(rng.uniform(-0.1, 1.0) * width), int(cy - h / 2),
              rgba[..., :3] * tint, CLOUD, clip_bottom=horizon)


def _blit(painter, rgba, left, top, rgb, label, clip_bottom=None):
    """Composite an HxWx4 float sprite at (left, top), clipped to the canvas."""
    height, width = painter.labels.shape
    bottom_limit = height if clip_bottom is None else clip_bottom
    h, w = rgba.shape[:2]
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, bottom_limit), min(left + w, width)
    if y1 <= y0 or x1 <= x0:
        return
    sy, sx = slice(y0 - top, y1 - top), slice(x0 - left, x1 - left)
    painter.paint(slice(y0, y1), slice(x0, x1), rgba[sy, sx, 3], rgb[sy, sx], label)


# ------------------------------------------------------------------------ mountains and hills

def _ridge(rng, width, amplitude_px, period, octaves, gain, floor):
    profile = fbm_1d(rng, width, period, octaves=octaves, gain=gain)
    # A broad envelope lets ranges rise from one side or the middle instead of spanning all.
    envelope = np.clip(0.5 + fbm_1d(rng, width, width * 0.9, octaves=2) * 1.2, 0.0, 1.0)
    # Stretch the profile to [0, 1] so every range has real relief: peaks, saddles, valleys.
    relief = (profile - profile.min()) / max(float(profile.max() - profile.min()), 1e-6)
    return amplitude_px * envelope * (floor + (1.0 - floor) * relief ** 1.3)


def _paint_mountains(painter, rng, textures, style, horizon, haze_rgb, sun, lattice,
                     amplitude, haze):
    height, width = painter.labels.shape
    ridge = _ridge(rng, width, amplitude * height, width * rng.uniform(0.3, 0.6), 7,
                   rng.uniform(0.45, 0.6), floor=rng.uniform(0.15, 0.4))
    top = int(max(0, horizon - ridge.max() - 1))
    if horizon - top < 2:
        return
    ys = np.arange(top, horizon, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    altitude = horizon - ys  # pixels above the horizon
    inside = altitude <= ridge[None, :]
    alpha = np.clip(ridge[None, :] - altitude + 0.5, 0, 1) * inside
    pyramid = _pick(rng, textures.ground["mountain"])
    level = np.full(alpha.shape, 1 if height <= 384 else 0)
    tex = _sample_pyramid(pyramid, xs * 1.5 + rng.uniform(0, 256) + 0 * ys,
                          ys * 1.5 + 0 * xs, level)
    # Lit faces and shadowed gullies: horizontal gradient of a noise field elongated down-slope.
    su, sv = xs / (width * 0.07), ys / (height * 0.06)
    field = fbm_2d(lattice, su + 3.1, sv + 7.7, octaves=4)
    field_right = fbm_2d(lattice, su + 3.1 + 0.15, sv + 7.7, octaves=4)
    side = 1.0 if rng.random() < 0.5 else -1.0
    light = np.clip(0.8 + side * (field_right - field) * 6.0, 0.4, 1.3)[..., None]
    rgb = tex * light * sun * rng.uniform(0.75, 1.0)
    # Snow caps: above a noisy snow line, streaked down the gullies.
    snow_line = {"winter": 0.15, "autumn": 0.55, "summer": 0.7}[style.season]
    snow_line = (snow_line + rng.uniform(-0.12, 0.15)) * ridge.max()
    streaks = fbm_2d(lattice, xs / (width * 0.03) + 11.0, ys / (height * 0.06), octaves=3)
    snow = (altitude + (streaks - 0.5) * 0.3 * ridge.max() + (field - 0.5) * 8) > snow_line
    snow_rgb = np.array([0.93, 0.95, 1.0], np.float32) * np.clip(light * 1.05, 0.5, 1.15) * sun
    rgb = np.where(snow[..., None], snow_rgb, rgb)
    rgb = rgb + (haze_rgb - rgb) * haze
    label = np.where(snow, SNOW, MOUNTAIN).astype(np.uint8)
    painter.paint(slice(top, horizon), slice(None), alpha.astype(np.float32), rgb, label)


def _paint_hills(painter, rng, textures, style, horizon, haze_rgb, sun, lattice):
    height, width = painter.labels.shape
    ridge = _ridge(rng, width, rng.uniform(0.04, 0.12) * height, width * rng.uniform(0.5, 1.0),
                   4, 0.4, floor=0.45)
    top = int(max(0, horizon - ridge.max() - 1))
    if horizon - top < 2:
        return
    ys = np.arange(top, horizon, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    altitude = horizon - ys
    alpha = np.clip(ridge[None, :] - altitude + 0.5, 0, 1) * (altitude <= ridge[None, :])
    material = "snow" if style.season == "winter" and rng.random() < 0.6 else "grass"
    pyramid = _pick(rng, textures.ground[material])
    level = np.full(alpha.shape, 2)
    tex = _sample_pyramid(pyramid, xs * 4 + 0 * ys, ys * 6 + 0 * xs, level)
    if style.season == "autumn" and material == "grass":
        tex = np.clip(tex @ hue_matrix(25, 0.8).T, 0, 1)
    # Forested hills read as darker, mottled green; the mottling is part of the hill texture.
    mottling = fbm_2d(lattice, xs / (width * 0.02) + 5.0, ys / (height * 0.015) + 2.0, octaves=3)
    rgb = tex * (0.55 + 0.6 * mottling[..., None]) * sun * rng.uniform(0.6, 0.9)
    rgb = rgb + (haze_rgb - rgb) * (rng.uniform(0.5, 0.65) if style.haze < 0.3 else rng.uniform(0.2, 0.45))
    painter.paint(slice(top, horizon), slice(None), alpha.astype(np.float32), rgb, HILL)


# ---------------------------------------------------------------------------------- the ground

@dataclass
class _Ground:
    top: int  # first ground row (the horizon)
    depth: np.ndarray  # (rows, 1) metres to each ground row
    world_x: np.ndarray  # (rows, width) metres left/right of the camera axis
    material: np.ndarray  # (rows, width) label painted by the ground pass


def _paint_ground(painter, rng, textures, style, horizon, focal, cam_height, lattice,
                  fog_distance, haze_rgb, sun, water_rgb, background, has_sea):
    height, width = painter.labels.shape
    ys = np.arange(horizon, height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    depth = cam_height * focal / (ys - horizon + 0.5)
    world_x = (xs - width / 2) * depth / focal
    shape = (height - horizon, width)

    # Material map, built in world coordinates so patches shrink with distance.
    if style.season == "winter" and rng.random() < 0.75:
        base, patch = SNOW, GRASS
    elif rng.random() < 0.12:
        base, patch = SAND, GRASS  # dunes / dry land with tufts of grass
    else:
        base, patch = GRASS, SNOW if style.season == "winter" else DIRT
    material = np.full(shape, base, np.uint8)
    scale = rng.uniform(6.0, 25.0)
    patches = fbm_2d(lattice, world_x / scale + 40.0, depth / scale + 40.0, octaves=4)
    material[patches > rng.uniform(0.58, 0.75)] = patch
    if rng.random() < 0.4:
        dirt = fbm_2d(lattice, world_x / 8.0 + 3.0, depth / 8.0 + 90.0, octaves=3)
        material[dirt > rng.uniform(0.66, 0.74)] = DIRT
    if rng.random() < 0.35:
        rocky = fbm_2d(lattice, world_x / 5.0 + 60.0, depth / 5.0 + 11.0, octaves=3)
        material[rocky > rng.uniform(0.7, 0.76)] = ROCK
    if rng.random() < 0.45:  # a winding dirt path leading away from the camera
        offset = rng.uniform(-4, 4) + np.sin(depth / rng.uniform(8, 30) + rng.uniform(0, 6)) * \
            rng.uniform(1, 6) + 0.04 * depth * rng.uniform(-1, 1)
        path_end = rng.uniform(30, 150)
        half_width = rng.uniform(0.6, 1.6) * np.clip((path_end - depth) / (0.4 * path_end), 0, 1)
        path = np.abs(world_x - offset) < half_width  # tapers off where the path ends
        material[path] = DIRT

    water = np.zeros(shape, bool)
    if has_sea:
        shore = rng.uniform(15, 120) * (1.0 + 0.8 * (fbm_2d(lattice, world_x / 60.0, 7.0 + 0 * depth,
                                                              octaves=3) - 0.5))
        water = depth > shore
        if rng.random() < 0.8:
            material[(depth > shore * rng.uniform(0.6, 0.85)) & ~water] = SAND
    elif rng.random() < 0.5:  # a lake in the middle distance
        cx, cz = rng.uniform(-60, 60), rng.uniform(25, 200)
        rx, rz = rng.uniform(20, 90), rng.uniform(8, 60)
        wobble = fbm_2d(lattice, world_x / 20.0 + 70.0, depth / 20.0 + 70.0, octaves=3) - 0.5
        radius = ((world_x - cx) / rx) ** 2 + ((depth - cz) / rz) ** 2 + wobble
        water = radius < 1.0
        if rng.random() < 0.5:
            material[(radius < rng.uniform(1.15, 1.5)) & ~water] = SAND
    material[water] = WATER

    # Texture every material in perspective, choosing the mip level per row.
    rgb = np.zeros(shape + (3,), np.float32)
    metres_per_tile = rng.uniform(2.5, 6.0)
    texels_per_metre = 256.0 / metres_per_tile
    u = (world_x * texels_per_metre).astype(np.float32)
    v = np.broadcast_to(depth * texels_per_metre, shape).astype(np.float32)
    footprint = np.broadcast_to(depth / focal * texels_per_metre, shape)
    for label, name in ((GRASS, "grass"), (DIRT, "dirt"), (SAND, "sand"), (ROCK, "rock"),
                        (SNOW, "snow")):
        sel = material == label
        if not sel.any():
            continue
        pyramid = _pick(rng, textures.ground[name])
        level = _mip_level(footprint[sel], pyramid)
        tex = _sample_pyramid(pyramid, u[sel], v[sel], level) * rng.uniform(0.85, 1.1)
        if style.season == "autumn" and name == "grass":
            tex = np.clip(tex @ hue_matrix(rng.uniform(15, 35), 0.75).T, 0, 1)
        elif style.season == "winter" and name == "grass":
            tex = np.clip(tex @ hue_matrix(10, 0.55).T * 0.9, 0, 1)
        rgb[sel] = tex
    # Large-scale light variation (cloud shadows, undulation).
    undulation = fbm_2d(lattice, world_x / 40.0 + 13.0, depth / 40.0 + 13.0, octaves=3)
    rgb *= (0.75 + 0.5 * undulation)[..., None] * sun

    if water.any():
        rgb[water] = _water_colour(rng, textures, style, horizon, focal, depth, world_x, water,
                                   water_rgb, background, lattice)
    fog = 1.0 - np.exp(-depth / fog_distance)
    rgb = rgb + (haze_rgb - rgb) * fog[..., None]
    painter.paint(slice(horizon, height), slice(None), np.ones(shape, np.float32), rgb, material)
    return _Ground(horizon, depth, world_x, painter.labels[horizon:].copy())


def _water_colour(rng, textures, style, horizon, focal, depth, world_x, water, water_rgb,
                  background, lattice):
    """Reflected sky and far land (mirrored about the horizon), rippled and darkened."""
    height, width = background.shape[:2]
    rows, cols = np.nonzero(water)
    y = rows + horizon
    d = np.broadcast_to(depth, water.shape)[rows, cols]
    wx = world_x[rows, cols]
    ripple = fbm_2d(lattice, wx / 1.5 + 21.0, d / 0.6 + 5.0, octaves=3) - 0.5
    below = (y - horizon).astype(np.float32)
    src_y = np.clip(np.round(horizon - below - 1 + ripple * below * 0.35), 0, horizon - 1)
    src_x = np.clip(np.round(cols + ripple * (2.0 + below * 0.06)), 0, width - 1)
    reflection = background[src_y.astype(np.int64), src_x.astype(np.int64)]
    near = below / max(height - horizon, 1)
    fresnel = (0.85 - 0.55 * near)[:, None]
    colour = water_rgb * rng.uniform(0.8, 1.25)
    rgb = reflection * fresnel * rng.uniform(0.75, 0.92) + colour * (1.0 - fresnel)
    # Wave detail from the rippled sea photo, in perspective.
    pyramid = _pick(rng, textures.ground["sea"])
    texels = 256.0 / rng.uniform(6.0, 14.0)
    level = _mip_level(d / focal * texels, pyramid)
    waves = _sample_pyramid(pyramid, wx * texels, d * texels * 2.0, level).mean(axis=1)
    rgb *= (0.8 + 0.4 * (waves / max(float(waves.mean()), 1e-3) - 1.0) * 0.8 + 0.2)[:, None]
    return np.clip(rgb, 0, 1.2)


def _paint_flowers(painter, rng, style, horizon, focal, cam_height, sun, ground):
    if style.season == "winter" or rng.random() < 0.45:
        return
    height, width = painter.labels.shape
    palettes = ([1.0, 0.9, 0.15], [0.95, 0.95, 0.92], [0.85, 0.12, 0.15], [0.65, 0.35, 0.9],
                [1.0, 0.55, 0.7], [1.0, 0.6, 0.1])
    clusters = int(rng.integers(3, 14))
    for _ in range(clusters):
        colour = np.array(_pick(rng, palettes), np.float32) * sun
        cz = rng.uniform(cam_height * 1.2, 35.0)
        cx = rng.uniform(-0.5, 0.5) * cz * width / focal
        n = int(rng.integers(20, 160))
        zs = np.clip(cz + rng.normal(0, cz * 0.25, n), cam_height * 1.05, None)
        xs_world = cx + rng.normal(0, 2.5 + cz * 0.1, n)
        py = np.round(horizon + cam_height * focal / zs - 0.5).astype(np.int64)
        px = np.round(width / 2 + xs_world * focal / zs).astype(np.int64)
        radius = np.round(rng.uniform(0.015, 0.04) * focal / zs).astype(np.int64)
        ok = (py >= horizon) & (py < height) & (px >= 0) & (px < width)
        py, px, radius = py[ok], px[ok], radius[ok]
        on_grass = ground.material[py - horizon, px] == GRASS
        py, px, radius = py[on_grass], px[on_grass], np.minimum(radius[on_grass], 2)
        for r in np.unique(radius):
            dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
            disc = dy ** 2 + dx ** 2 <= r * r
            dy, dx = dy[disc], dx[disc]
            sel = radius == r
            yy = np.clip(py[sel, None] + dy[None], 0, height - 1).ravel()
            xx = np.clip(px[sel, None] + dx[None], 0, width - 1).ravel()
            shade = 0.8 + 0.3 * rng.random(yy.shape[0]).astype(np.float32)
            painter.image[yy, xx] = colour * shade[:, None]
            painter.labels[yy, xx] = FLOWER


def _paint_objects(painter, rng, textures, style, horizon, focal, cam_height, fog_distance,
                   haze_rgb, sun, ground):
    """Trees, bushes and boulders standing on land, painted far to near."""
    height, width = painter.labels.shape
    land = (GRASS, DIRT, SNOW, SAND)
    objects = []  # (depth, world_x, kind)

    def scatter(kind, count, z_min, z_max, x_spread=1.2):
        # Log-uniform in depth: as many objects per distance octave, so most are mid/far.
        z_min = max(z_min, cam_height * 1.1)
        zs = np.exp(rng.uniform(np.log(z_min), np.log(max(z_max, z_min * 1.01)), count))
        xs = rng.uniform(-x_spread, x_spread, count) * 0.5 * zs * width / focal
        objects.extend((float(z), float(x), kind) for z, x in zip(zs, xs))

    layout = rng.random()
    if layout < 0.45:  # a forest edge: many trees in a depth band
        z0 = rng.uniform(40, 250)
        scatter("tree", int(rng.integers(40, 160)), z0, z0 * rng.uniform(1.3, 3.0))
        scatter("bush", int(rng.integers(5, 30)), z0 * 0.6, z0 * 1.1)
    if layout > 0.25:  # scattered trees
        scatter("tree", int(rng.integers(2, 20)), 30, 400)
    if rng.random() < 0.3:  # one tree close by
        scatter("tree", 1, 18, 40, x_spread=0.9)
    scatter("bush", int(rng.integers(0, 25)), 6, 120)
    if rng.random() < 0.5:
        scatter("rock", int(rng.integers(1, 10)), 5, 60)
    objects.sort(key=lambda item: -item[0])

    season_tags = {"summer": ("green",), "autumn": ("green",), "winter": ("snowy", "bare")}
    trees = [s for s in textures.trees if s.tags & set(season_tags[style.season])] or textures.trees
    if style.season == "winter":  # evergreen conifers still look right in winter
        trees = trees + [s for s in textures.trees if "green" in s.tags][:8]
    bushes = [s for s in textures.bushes if s.tags & set(season_tags[style.season])] or textures.bushes
    autumn_shift = rng.uniform(35, 80)  # positive: green -> yellow/orange
    for z, x, kind in objects:
        py = horizon + cam_height * focal / z
        px = width / 2 + x * focal / z
        iy, ix = int(py), int(px)
        if not (horizon <= iy < height and 0 <= ix < width):
            continue
        if ground.material[iy - horizon, ix] not in land:
            continue
        metres = {"tree": rng.uniform(6, 16), "bush": rng.uniform(0.5, 1.6),
                  "rock": rng.uniform(0.3, 1.3)}[kind]
        h = int(round(metres * focal / z))
        if h < MIN_SPRITE_HEIGHT_PX:
            continue
        if kind == "rock":
            rgba = _boulder(rng, textures, h)
            label = ROCK
        else:
            sprite: Sprite = _pick(rng, trees if kind == "tree" else bushes)
            w = max(1, int(round(h * sprite.rgba.shape[1] / sprite.rgba.shape[0]
                                 * rng.uniform(0.85, 1.15))))
            rgba = _resize_sprite(sprite.rgba, w, h)
            if rng.random() < 0.5:
                rgba = rgba[:, ::-1]
            label = TREE if kind == "tree" else BUSH
            if style.season == "autumn" and "green" in sprite.tags:
                rgba = rgba.copy()
                rgba[..., :3] = np.clip(rgba[..., :3] @ hue_matrix(
                    autumn_shift + rng.uniform(-20, 20), 1.3).T * 1.1, 0, 1)
        rgb = rgba[..., :3] * sun * rng.uniform(0.8, 1.1)
        fog = 1.0 - np.exp(-z / fog_distance)
        rgb = rgb + (haze_rgb - rgb) * fog
        bottom = iy + max(1, h // 20)  # sink the base a little into the ground
        _blit(painter, rgba, int(round(px - rgba.shape[1] / 2)), bottom - rgba.shape[0], rgb, label)


def _boulder(rng, textures, h):
    """A lumpy, top-lit boulder cut out of a rock texture."""
    w = max(2, int(h * rng.uniform(1.1, 1.8)))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ny, nx = (yy + 0.5) / h * 2 - 1, (xx + 0.5) / w * 2 - 1
    angle = np.arctan2(ny, nx)
    lumps = 1.0 + 0.12 * np.sin(angle * rng.integers(2, 5) + rng.uniform(0, 6))
    inside = nx ** 2 + np.where(ny < 0, ny, ny * 0.8) ** 2 < lumps ** 2 * 0.95
    pyramid = _pick(rng, textures.ground["rock"])
    level = np.full(inside.shape, 0)
    tex = _sample_pyramid(pyramid, xx * 256 / max(w, 1) + rng.uniform(0, 256),
                          yy * 256 / max(w, 1), level)
    light = np.clip(1.15 - 0.45 * (ny + 1) - 0.2 * nx * rng.choice([-1, 1]), 0.35, 1.2)
    alpha = inside.astype(np.float32)
    return np.dstack([tex * light[..., None], alpha])


# ---------------------------------------------------------------------------------- dataset

def scene_seed(seed: int, index: int) -> int:
    """The seed of scene `index` in a dataset with base `seed` (independent streams)."""
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1)[0])


class SyntheticLandscapes:
    """`count` synthesized (labels, image) pairs; indexable and iterable, torch-free.

    root_cache: the texture cache (None: $PAINTSCAPE_TEXTURE_CACHE or training/.cache/textures);
    falls back to procedural textures when it is absent, or when procedural=True.
    """

    def __init__(self, root_cache=None, size: int | tuple = 256, count: int = 1000,
                 seed: int = 0, procedural: bool = False):
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        self.textures = load_textures(root_cache, procedural=procedural)
        self.size = size
        self.count = int(count)
        self.seed = int(seed)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int):
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(f"scene index {index} out of range 0..{self.count - 1}")
        return render_scene(scene_seed(self.seed, index), self.size, self.textures)

    def __iter__(self):
        for index in range(self.count):
            yield self[index]


def write_pairs(out: Path, count: int, size: int, seed: int, textures: TextureSet,
                jpeg: bool = False) -> float:
    """Write `count` pairs under out/images and out/labels; returns seconds per scene."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for index in range(count):
        labels, image = render_scene(scene_seed(seed, index), size, textures)
        stem = f"scene_{seed}_{index:06d}"
        Image.fromarray(labels, "L").save(out / "labels" / f"{stem}.png")
        if jpeg:
            Image.fromarray(image, "RGB").save(out / "images" / f"{stem}.jpg", quality=95)
        else:
            Image.fromarray(image, "RGB").save(out / "images" / f"{stem}.png")
    return (time.perf_counter() - started) / max(count, 1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--textures", type=Path, default=None,
                        help="texture cache (default: $PAINTSCAPE_TEXTURE_CACHE or training/.cache/textures)")
    parser.add_argument("--procedural", action="store_true", help="ignore photo textures")
    parser.add_argument("--jpeg", action="store_true", help="write images as JPEG (quality 95)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.size < 16:
        parser.error("--count must be >= 1 and --size >= 16")
    textures = load_textures(args.textures, procedural=args.procedural)
    per_scene = write_pairs(args.out, args.count, args.size, args.seed, textures, args.jpeg)
    kind = "procedural" if textures.procedural else "photo"
    print(f"wrote {args.count} pairs to {args.out} ({kind} textures, {per_scene:.3f} s/scene)")


if __name__ == "__main__":
    main()
