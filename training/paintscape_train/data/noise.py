"""Small, vectorised value-noise helpers (numpy only) used by the scene synthesizer.

All functions take an explicit numpy Generator or a lattice drawn from one, so every scene is
a pure function of its seed.
"""

from __future__ import annotations

import numpy as np

LATTICE_SIZE = 64  # periodic lattice of random values; fbm octaves sample it at growing scales


def make_lattice(rng: np.random.Generator, size: int = LATTICE_SIZE) -> np.ndarray:
    return rng.random((size, size), dtype=np.float32)


def _smooth(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)


def value_noise_2d(lattice: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear value noise in [0, 1] at float lattice coordinates (u, v), periodic."""
    n = lattice.shape[0]
    iu = np.floor(u)
    iv = np.floor(v)
    fu = _smooth((u - iu).astype(np.float32))
    fv = _smooth((v - iv).astype(np.float32))
    iu = iu.astype(np.int64) % n
    iv = iv.astype(np.int64) % n
    iu1 = (iu + 1) % n
    iv1 = (iv + 1) % n
    a = lattice[iv, iu]
    b = lattice[iv, iu1]
    c = lattice[iv1, iu]
    d = lattice[iv1, iu1]
    top = a + (b - a) * fu
    bottom = c + (d - c) * fu
    return top + (bottom - top) * fv


def fbm_2d(lattice: np.ndarray, u: np.ndarray, v: np.ndarray, octaves: int = 4,
           gain: float = 0.5) -> np.ndarray:
    """Fractal sum of value noise, normalised to roughly [0, 1]."""
    total = np.zeros(np.broadcast(u, v).shape, dtype=np.float32)
    amplitude = 1.0
    norm = 0.0
    frequency = 1.0
    for octave in range(octaves):
        # Offset each octave so the lattice origin does not line up across octaves.
        total += amplitude * value_noise_2d(lattice, u * frequency + 17.3 * octave,
                                            v * frequency + 9.1 * octave)
        norm += amplitude
        amplitude *= gain
        frequency *= 2.0
    return total / norm


def fbm_1d(rng: np.random.Generator, length: int, base_period: float, octaves: int = 6,
           gain: float = 0.5) -> np.ndarray:
    """A 1-D fractal profile of `length` samples in [-1, 1] (ridge lines, shorelines)."""
    x = np.arange(length, dtype=np.float32)
    total = np.zeros(length, dtype=np.float32)
    amplitude = 1.0
    norm = 0.0
    period = float(base_period)
    for _ in range(octaves):
        knots = int(np.ceil(length / period)) + 2
        values = rng.uniform(-1.0, 1.0, knots).astype(np.float32)
        position = x / period + rng.random()
        index = np.floor(position).astype(np.int64)
        frac = _smooth((position - index).astype(np.float32))
        index = np.clip(index, 0, knots - 2)
        total += amplitude * (values[index] + (values[index + 1] - values[index]) * frac)
        norm += amplitude
        amplitude *= gain
        period = max(period / 2.0, 1.0)
    return total / norm
