import { PaintscapeError, fail, ErrorCode } from '../errors.js';
import { unpickle, isTuple, PickleDict, type PickleValue, type PickleReduced, type PickleGlobal } from './pickle.js';
import { isZip, readZip } from './zip.js';
import { decodeElements, elementCount, DTYPE_BYTES, type RawDType, type RawStateDict, type RawTensor } from './tensor.js';

/**
 * PyTorch checkpoint reader: the zip format (torch ≥ 1.6: `archive/data.pkl` +
 * `archive/data/<key>`) and the legacy format (magic, protocol and sys-info pickles, the
 * object pickle, the storage-key list, then each storage as an int64 element count and
 * raw bytes). Pickles are interpreted by the safe unpickler; nothing is executed.
 */

/** Python-side `0x1950a86a20f9469cfc6c`, the first pickle of a legacy checkpoint. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

const STORAGE_DTYPES: Readonly<Record<string, RawDType>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** A storage referenced by a persistent id; its bytes are found after unpickling. */
interface StorageRef {
  readonly kind: 'storage';
  readonly key: string;
  readonly dtype: RawDType;
  /** Element offset into the root storage (legacy storage views). */
  readonly elementOffset: number;
}

export interface ReadPthOptions {
  /**
   * Key of the state dict inside a wrapping checkpoint dict (e.g. 'state_dict', 'netG').
   * Without it, the checkpoint must be a tensor dict or hold exactly one.
   */
  key?: string;
}

/** Reads a `.pth` / `.pt` checkpoint and returns its state dict. */
export function readPth(bytes: Uint8Array, options: ReadPthOptions = {}): RawStateDict {
  const root = isZip(bytes) ? loadZipCheckpoint(bytes) : loadLegacyCheckpoint(bytes);
  return selectStateDict(root, options.key);
}

/** A storage's bytes by key, plus the value that references them. */
interface LoadedCheckpoint {
  value: PickleValue;
  storages: (key: string) => Uint8Array;
}

function storageRefFromPid(pid: PickleValue): PickleValue {
  if (!isTuple(pid) || pid[0] !== 'storage' || pid.length < 5) {
    fail(ErrorCode.InvalidCheckpoint, 'unsupported persistent id in checkpoint (expected a storage)');
  }
  const type = pid[1] as PickleGlobal;
  const dtype = type && typeof type === 'object' && type.kind === 'global' ? STORAGE_DTYPES[type.name] : undefined;
  if (!dtype) fail(ErrorCode.InvalidCheckpoint, 'unsupported storage type in checkpoint');
  let key = String(pid[2]);
  let elementOffset = 0;
  // Legacy storage views: (view_key, offset, size) as the sixth field.
  const view = pid[5];
  if (isTuple(view) && view.length >= 2) {
    key = String(pid[2]);
    elementOffset = Number(view[1]);
  }
  const ref: StorageRef = { kind: 'storage', key, dtype, elementOffset };
  return { kind: 'external', value: ref };
}

function loadZipCheckpoint(bytes: Uint8Array): PickleValue {
  const entries = readZip(bytes);
  const pklName = [...entries.keys()].find((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
  if (!pklName) fail(ErrorCode.InvalidCheckpoint, 'not a PyTorch checkpoint: the ZIP archive has no data.pkl');
  const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
  const pkl = entries.get(pklName)!;
  const { value } = unpickle(pkl.read(), 0, { persistentLoad: storageRefFromPid, source: pklName });
  return materialize({
    value,
    storages: (key) => {
      const entry = entries.get(`${prefix}data/${key}`);
      if (!entry) fail(ErrorCode.InvalidCheckpoint, `checkpoint storage ${prefix}data/${key} is missing`);
      return entry.read();
    },
  });
}

function loadLegacyCheckpoint(bytes: Uint8Array): PickleValue {
  if (bytes.length < 2 || bytes[0] !== 0x80) {
    fail(ErrorCode.InvalidCheckpoint, 'not a PyTorch checkpoint (neither a ZIP archive nor a pickle)');
  }
  const magic = unpickle(bytes, 0, { source: 'legacy header' });
  if (magic.value !== LEGACY_MAGIC) {
    fail(ErrorCode.InvalidCheckpoint, 'not a PyTorch checkpoint: legacy magic number missing');
  }
  const protocol = unpickle(bytes, magic.end, { source: 'legacy header' });
  if (protocol.value !== LEGACY_PROTOCOL) {
    fail(ErrorCode.InvalidCheckpoint, `unsupported legacy checkpoint protocol ${String(protocol.value)}`);
  }
  const sysInfo = unpickle(bytes, protocol.end, { source: 'legacy sys_info' });
  if (sysInfo.value instanceof PickleDict && sysInfo.value.get('little_endian') === false) {
    fail(ErrorCode.InvalidCheckpoint, 'big-endian checkpoints are not supported');
  }
  const main = unpickle(bytes, sysInfo.end, { persistentLoad: storageRefFromPid, baseOffset: 0, source: 'checkpoint pickle' });
  const keyList = unpickle(bytes, main.end, { source: 'storage key list' });
  if (!Array.isArray(keyList.value)) fail(ErrorCode.InvalidCheckpoint, 'legacy checkpoint storage key list is missing');
  // Storages follow in key-list order, each an int64 element count then the raw elements.
  const dtypes = new Map<string, RawDType>();
  collectStorageDtypes(main.value, dtypes);
  const storages = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keyList.end;
  for (const rawKey of keyList.value as PickleValue[]) {
    const key = String(rawKey);
    const dtype = dtypes.get(key);
    if (!dtype) fail(ErrorCode.InvalidCheckpoint, `legacy checkpoint storage ${key} has no known type`);
    if (pos + 8 > bytes.length) fail(ErrorCode.InvalidCheckpoint, `legacy checkpoint truncated before storage ${key}`);
    const count = Number(view.getBigInt64(pos, true));
    pos += 8;
    const length = count * DTYPE_BYTES[dtype];
    if (pos + length > bytes.length) fail(ErrorCode.InvalidCheckpoint, `legacy checkpoint truncated inside storage ${key}`);
    storages.set(key, bytes.subarray(pos, pos + length));
    pos += length;
  }
  return materialize({
    value: main.value,
    storages: (key) => storages.get(key) ?? fail(ErrorCode.InvalidCheckpoint, `checkpoint storage ${key} is missing`),
  });
}

function collectStorageDtypes(value: PickleValue, out: Map<string, RawDType>): void {
  walk(value, (v) => {
    if (v && typeof v === 'object' && 'kind' in v && v.kind === 'external') {
      const ref = v.value as StorageRef;
      if (ref.kind === 'storage') out.set(ref.key, ref.dtype);
    }
  });
}

function walk(value: PickleValue, visit: (v: PickleValue) => void): void {
  visit(value);
  if (value instanceof PickleDict) for (const v of value.values()) walk(v, visit);
  else if (Array.isArray(value)) for (const v of value as PickleValue[]) walk(v, visit);
  else if (value && typeof value === 'object' && 'kind' in value && value.kind === 'reduced') {
    for (const v of value.args) walk(v, visit);
  }
}

/** Replaces tensor-rebuild records with `{kind:'external', value: RawTensor}`. */
function materialize(checkpoint: LoadedCheckpoint): PickleValue {
  const convert = (value: PickleValue): PickleValue => {
    if (value instanceof PickleDict) {
      for (const [k, v] of value) value.set(k, convert(v));
      return value;
    }
    if (Array.isArray(value)) {
      const items = value as PickleValue[];
      for (let i = 0; i < items.length; i++) items[i] = convert(items[i]!);
      return value;
    }
    if (value && typeof value === 'object' && 'kind' in value && value.kind === 'reduced') {
      return { kind: 'external', value: rebuild(value, checkpoint) };
    }
    return value;
  };
  return convert(checkpoint.value);
}

function rebuild(record: PickleReduced, checkpoint: LoadedCheckpoint): unknown {
  const fn = `${record.callable.module}.${record.callable.name}`;
  const args = record.args;
  switch (fn) {
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
      return rebuildTensor(args, checkpoint);
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return unwrapTensor(args[0], checkpoint, fn);
    case 'torch._tensor._rebuild_from_type_v2': {
      // (func, type, args, state): a tensor subclass around a plain rebuild call.
      const inner = args[0];
      const innerArgs = args[2];
      if (!inner || typeof inner !== 'object' || (inner as PickleGlobal).kind !== 'global' || !isTuple(innerArgs)) {
        return fail(ErrorCode.InvalidCheckpoint, `malformed ${fn} record`);
      }
      return rebuild({ kind: 'reduced', callable: inner as PickleGlobal, args: [...innerArgs] }, checkpoint);
    }
    case 'torch.Size':
      return null;
    default:
      return fail(ErrorCode.InvalidCheckpoint, `checkpoint object ${fn} is not a tensor`);
  }
}

function unwrapTensor(value: PickleValue | undefined, checkpoint: LoadedCheckpoint, fn: string): RawTensor {
  if (value && typeof value === 'object' && 'kind' in value) {
    if (value.kind === 'reduced') return rebuild(value, checkpoint) as RawTensor;
    if (value.kind === 'external' && isRawTensor(value.value)) return value.value;
  }
  return fail(ErrorCode.InvalidCheckpoint, `malformed ${fn} record`);
}

function rebuildTensor(args: readonly PickleValue[], checkpoint: LoadedCheckpoint): RawTensor {
  const [storageValue, offsetValue, sizeValue, strideValue] = args;
  const ref =
    storageValue && typeof storageValue === 'object' && 'kind' in storageValue && storageValue.kind === 'external'
      ? (storageValue.value as StorageRef)
      : undefined;
  if (!ref || ref.kind !== 'storage' || !isTuple(sizeValue) || !isTuple(strideValue) || typeof offsetValue !== 'number') {
    return fail(ErrorCode.InvalidCheckpoint, 'malformed tensor record in checkpoint');
  }
  const shape = sizeValue.map(Number);
  const stride = strideValue.map(Number);
  const count = elementCount(shape);
  const bytes = checkpoint.storages(ref.key);
  const offset = ref.elementOffset + offsetValue;
  const byteOffset = offset * DTYPE_BYTES[ref.dtype];
  let contiguous = true;
  for (let d = shape.length - 1, expected = 1; d >= 0; d--) {
    if (shape[d]! > 1 && stride[d] !== expected) contiguous = false;
    expected *= shape[d]!;
  }
  if (contiguous) return { dtype: ref.dtype, shape, data: decodeElements(bytes, byteOffset, ref.dtype, count) };
  // Strided view: element i's multi-index in row-major order, mapped through the strides.
  const indexOf = (i: number): number => {
    let index = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const dim = shape[d]!;
      index += (i % dim) * stride[d]!;
      i = Math.floor(i / dim);
    }
    return index;
  };
  return { dtype: ref.dtype, shape, data: decodeElements(bytes, byteOffset, ref.dtype, count, indexOf) };
}

function isRawTensor(value: unknown): value is RawTensor {
  return !!value && typeof value === 'object' && 'dtype' in value && 'shape' in value && 'data' in value;
}

function tensorDict(value: PickleValue | undefined): RawStateDict | undefined {
  if (!(value instanceof PickleDict) || value.size === 0) return undefined;
  const out: RawStateDict = new Map();
  for (const [k, v] of value) {
    if (typeof k !== 'string') return undefined;
    if (!v || typeof v !== 'object' || !('kind' in v) || v.kind !== 'external' || !isRawTensor(v.value)) return undefined;
    out.set(k, v.value);
  }
  return out;
}

/**
 * The state dict inside a checkpoint: the checkpoint itself when it is a tensor dict,
 * `checkpoint[key]` when a key is given, else the one tensor-dict value it holds.
 * A common `module.` prefix (DataParallel) is removed.
 */
function selectStateDict(root: PickleValue, key: string | undefined): RawStateDict {
  let found: RawStateDict | undefined;
  if (key !== undefined) {
    if (!(root instanceof PickleDict) || !root.has(key)) {
      const keys = root instanceof PickleDict ? [...root.keys()].map(String) : [];
      fail(ErrorCode.InvalidCheckpoint, `checkpoint has no key '${key}' (keys: ${keys.join(', ') || 'none'})`, { key, keys });
    }
    found = tensorDict(root.get(key));
    if (!found) fail(ErrorCode.InvalidCheckpoint, `checkpoint['${key}'] is not a dict of tensors`, { key });
  } else {
    found = tensorDict(root);
    if (!found && root instanceof PickleDict) {
      const candidates = [...root.entries()].filter(([, v]) => tensorDict(v) !== undefined);
      if (candidates.length === 1) found = tensorDict(candidates[0]![1]);
      else if (candidates.length > 1) {
        const keys = candidates.map(([k]) => String(k));
        throw new PaintscapeError(
          ErrorCode.InvalidCheckpoint,
          `checkpoint holds several state dicts (${keys.join(', ')}): choose one with --key`,
          { keys },
        );
      }
    }
    if (!found) fail(ErrorCode.InvalidCheckpoint, 'checkpoint holds no state dict (no dict of tensors found)');
  }
  const names = [...found.keys()];
  if (names.length > 0 && names.every((n) => n.startsWith('module.'))) {
    return new Map([...found].map(([n, t]) => [n.slice('module.'.length), t]));
  }
  return found;
}
