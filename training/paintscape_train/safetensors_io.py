"""Reads and writes the safetensors format with numpy only (the `safetensors` package is not installed).

Layout: 8-byte little-endian u64 header length N, N bytes of JSON
{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the raw little-endian tensor bytes (offsets relative to the end of the header).
"""
from __future__ import annotations

import json
import struct
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

DTYPES: Dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_NAMES_BY_KIND = {(dt.kind, dt.itemsize): name for name, dt in DTYPES.items()}
MAX_HEADER_BYTES = 100 * 1024 * 1024
HEADER_ALIGNMENT = 8


def _to_numpy(value) -> np.ndarray:
    if hasattr(value, "detach"):  # torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    return array if array.flags.c_contiguous else array.copy(order="C")


def save_bytes(tensors: Mapping[str, object], metadata: Optional[Mapping[str, str]] = None) -> bytes:
    """Serializes name → array (numpy or torch) to safetensors bytes, names sorted."""
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        array = _to_numpy(tensors[name])
        key = (array.dtype.kind, array.dtype.itemsize)
        if key not in _NAMES_BY_KIND:
            raise ValueError(f"tensor {name!r}: unsupported dtype {array.dtype}")
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": _NAMES_BY_KIND[key],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % HEADER_ALIGNMENT)
    return struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks)


def save_file(tensors: Mapping[str, object], path: str, metadata: Optional[Mapping[str, str]] = None) -> None:
    with open(path, "wb") as f:
        f.write(save_bytes(tensors, metadata))


def load_bytes(data: bytes) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Parses safetensors bytes → (name → numpy array, metadata)."""
    if len(data) < 8:
        raise ValueError("safetensors: file shorter than its 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES or 8 + header_len > len(data):
        raise ValueError(f"safetensors: header length {header_len} does not fit the file")
    header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    body = memoryview(data)[8 + header_len :]
    metadata = header.pop("__metadata__", None) or {}
    tensors: Dict[str, np.ndarray] = {}
    for name, info in header.items():
        dtype = DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"safetensors: tensor {name!r} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        shape = tuple(int(s) for s in info["shape"])
        count = int(np.prod(shape)) if shape else 1
        if not (0 <= begin <= end <= len(body)) or end - begin != count * dtype.itemsize:
            raise ValueError(f"safetensors: tensor {name!r} has bad data_offsets {info['data_offsets']}")
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(shape).copy()
    return tensors, metadata


def load_file(path: str) -> Dict[str, np.ndarray]:
    with open(path, "rb") as f:
        return load_bytes(f.read())[0]


def load_file_with_metadata(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    with open(path, "rb") as f:
        return load_bytes(f.read())


def save_state_dict(module_or_state, path: str, metadata: Optional[Mapping[str, str]] = None) -> None:
    """Saves a torch module's state dict (or a state dict) as safetensors."""
    state = module_or_state.state_dict() if hasattr(module_or_state, "state_dict") else module_or_state
    save_file(dict(state), path, metadata)


def load_state_dict(module, path: str, strict: bool = True):
    """Loads a safetensors file into a torch module; returns load_state_dict's result."""
    import torch

    state = {k: torch.from_numpy(v) for k, v in load_file(path).items()}
    return module.load_state_dict(state, strict=strict)
