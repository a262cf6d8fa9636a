"""Training data for the landscape model: synthesized scenes and user-supplied pair folders.

- `SyntheticLandscapes(root_cache, size=256, count=N, seed=S)`: indexable/iterable of
  (labels uint8 HxW, image uint8 HxWx3) numpy pairs, deterministic per (seed, index).
- `render_scene(seed, size, textures)`: one scene.
- `load_textures(cache_dir)`: photo textures (training/data/fetch_textures.sh) or procedural.
- `PairFolderDataset(root, layout='pairs'|'ade20k'|'coco-stuff', size)`: user datasets.
Labels follow core's `landscape` set (LANDSCAPE_CLASSES); 255 = unlabeled / don't care.

Exports resolve lazily, so `python3 -m paintscape_train.data.synth` does not import the
module twice.
"""

from importlib import import_module

_EXPORTS = {
    "LANDSCAPE_CLASSES": "synth", "SYNTH_VERSION": "synth", "UNLABELED": "synth",
    "SceneStyle": "synth", "SyntheticLandscapes": "synth", "render_scene": "synth",
    "scene_seed": "synth", "LAYOUTS": "datasets", "PairFolderDataset": "datasets",
    "TextureSet": "textures", "default_cache_dir": "textures", "load_textures": "textures",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


def __dir__():
    return __all__
