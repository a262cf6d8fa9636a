import { PaintscapeError, ErrorCode } from '../errors.js';

/**
 * A minimal, SAFE unpickler for PyTorch checkpoints. It interprets only the opcodes a
 * state dict uses and resolves GLOBAL / STACK_GLOBAL against an allow-list; it never
 * executes anything. Objects it cannot represent natively become small tagged records
 * (`PickleGlobal`, `PickleReduced`) that the caller interprets (see pth.ts).
 */

/** A global reference from the allow-list, e.g. `torch._utils._rebuild_tensor_v2`. */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
}

/** What REDUCE / NEWOBJ produced when the callable is an allowed global: `global(...args)`. */
export interface PickleReduced {
  readonly kind: 'reduced';
  readonly callable: PickleGlobal;
  readonly args: readonly PickleValue[];
  /** State applied by BUILD, if any. */
  state?: PickleValue;
}

/** Persistent id payload (BINPERSID) resolved by the caller's `persistentLoad`. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleReduced
  | { readonly kind: 'external'; readonly value: unknown };

/** Tuples are frozen arrays tagged so they can be told apart from lists. */
export interface PickleTuple extends ReadonlyArray<PickleValue> {
  readonly __tuple: true;
}

/** Python dicts keep insertion order; keys are strings or numbers in a state dict. */
export class PickleDict extends Map<string | number | bigint | boolean | null, PickleValue> {
  /** The class that created it: `dict` or `collections.OrderedDict`. */
  constructor(readonly className: string = 'dict') {
    super();
  }
}

export function isTuple(value: unknown): value is PickleTuple {
  return Array.isArray(value) && (value as unknown as { __tuple?: boolean }).__tuple === true;
}

function makeTuple(items: PickleValue[]): PickleTuple {
  Object.defineProperty(items, '__tuple', { value: true, enumerable: false });
  return items as unknown as PickleTuple;
}

/**
 * Globals a state dict may reference. Anything else is refused with `unsafe_pickle`.
 * Storage classes and dtypes are matched by pattern below.
 */
export const ALLOWED_PICKLE_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'builtins.dict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._tensor._rebuild_from_type_v2',
  'torch.Tensor',
  'torch.nn.parameter.Parameter',
  'torch.Size',
]);

const STORAGE_GLOBAL = /^torch\.(Float|Half|BFloat16|Double|Long|Int|Short|Char|Byte|Bool)Storage$/;
const DTYPE_GLOBAL = /^torch\.(float32|float16|bfloat16|float64|int64|int32|int16|int8|uint8|bool|float|half|double|long|int)$/;

export function isAllowedGlobal(module: string, name: string): boolean {
  const full = `${module}.${name}`;
  return ALLOWED_PICKLE_GLOBALS.has(full) || STORAGE_GLOBAL.test(full) || DTYPE_GLOBAL.test(full);
}

export interface UnpickleOptions {
  /** Resolves BINPERSID payloads (PyTorch storages). Without it, BINPERSID is refused. */
  persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Byte offset of `bytes` within the containing file, used in error messages. */
  baseOffset?: number;
  /** Name of the stream in error messages, e.g. 'archive/data.pkl'. */
  source?: string;
}

export interface UnpickleResult {
  value: PickleValue;
  /** Offset just after STOP: the legacy format stores several pickles back to back. */
  end: number;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

const textDecoder = new TextDecoder('utf-8');
const latin1Decoder = new TextDecoder('latin1');

/** Interprets one pickle starting at `start`; returns its value and where it ended. */
export function unpickle(bytes: Uint8Array, start = 0, options: UnpickleOptions = {}): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  const base = options.baseOffset ?? 0;
  const where = options.source ? ` in ${options.source}` : '';
  let pos = start;
  let opOffset = start;

  const unsafe = (message: string, details: Record<string, unknown>): never => {
    throw new PaintscapeError(ErrorCode.UnsafePickle, `${message} at byte ${base + opOffset}${where}`, {
      ...details,
      offset: base + opOffset,
    });
  };
  const corrupt = (message: string): never => {
    throw new PaintscapeError(ErrorCode.InvalidCheckpoint, `corrupt pickle${where}: ${message} at byte ${base + opOffset}`, {
      offset: base + opOffset,
    });
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) corrupt('unexpected end of data');
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) corrupt('length too large');
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) corrupt('unterminated text line');
    const text = latin1Decoder.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined) corrupt('stack underflow');
    if (v === MARK) corrupt('unexpected MARK');
    return v as PickleValue;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) corrupt('stack underflow');
    return v as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const idx = stack.lastIndexOf(MARK);
    if (idx < 0) corrupt('MARK not found');
    const items = stack.splice(idx) as StackItem[];
    items.shift();
    return items as PickleValue[];
  };
  const pushGlobal = (module: string, name: string): void => {
    if (!isAllowedGlobal(module, name)) {
      unsafe(`refusing pickle global ${module}.${name}`, { global: `${module}.${name}` });
    }
    stack.push({ kind: 'global', module, name });
  };
  const callGlobal = (callable: PickleValue, args: PickleValue, opName: string): void => {
    if (!callable || typeof callable !== 'object' || (callable as PickleGlobal).kind !== 'global') {
      unsafe(`${opName} on a non-global callable`, { opcode: opName });
    }
    const g = callable as PickleGlobal;
    if (!isTuple(args)) corrupt(`${opName} arguments are not a tuple`);
    const full = `${g.module}.${g.name}`;
    if (full === 'collections.OrderedDict' || full === 'builtins.dict') {
      stack.push(new PickleDict(full));
      return;
    }
    stack.push({ kind: 'reduced', callable: g, args: [...(args as PickleTuple)] });
  };
  const setItem = (target: PickleValue, key: PickleValue, value: PickleValue): void => {
    if (!(target instanceof PickleDict)) corrupt('SETITEM(S) target is not a dict');
    if (key !== null && typeof key === 'object') corrupt('unsupported dict key type');
    (target as PickleDict).set(key as string | number | bigint | boolean | null, value);
  };

  for (;;) {
    opOffset = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME: an 8-byte frame length; frames are just a read-ahead hint
        u64();
        break;
      case 0x2e: {
        // STOP
        const value = pop();
        return { value, end: pos };
      }
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(makeTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(makeTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(makeTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push(makeTuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(makeTuple([a, b, c]));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PickleDict();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i]!, items[i + 1]!);
        stack.push(d);
        break;
      }
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? u8() : u32();
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(textDecoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(textDecoder.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(textDecoder.decode(take(u64())));
        break;
      case 0x54: // BINSTRING (python 2 str)
        stack.push(latin1Decoder.decode(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1Decoder.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(new Uint8Array(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new Uint8Array(take(u8())));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x47: {
        // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        const name = line();
        pushGlobal(module, name);
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') corrupt('STACK_GLOBAL needs two strings');
        pushGlobal(module as string, name as string);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        callGlobal(callable, args, 'REDUCE');
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        callGlobal(cls, args, 'NEWOBJ');
        break;
      }
      case 0x62: {
        // BUILD: OrderedDict state (e.g. `_metadata`) or a reduced object's state
        const state = pop();
        const target = top();
        if (target instanceof PickleDict) break; // attribute state of a dict: not needed
        if (target && typeof target === 'object' && (target as PickleReduced).kind === 'reduced') {
          (target as PickleReduced).state = state;
          break;
        }
        unsafe('BUILD on an unsupported object', { opcode: 'BUILD' });
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) unsafe('persistent id without a storage resolver', { opcode: 'BINPERSID' });
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItem(top(), key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const target = top();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(target, items[i]!, items[i + 1]!);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        const target = top();
        if (!Array.isArray(target) || isTuple(target)) corrupt('APPEND target is not a list');
        (target as PickleValue[]).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const target = top();
        if (!Array.isArray(target) || isTuple(target)) corrupt('APPENDS target is not a list');
        (target as PickleValue[]).push(...items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const idx = op === 0x68 ? u8() : u32();
        if (!memo.has(idx)) corrupt(`memo entry ${idx} missing`);
        stack.push(memo.get(idx)!);
        break;
      }
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        unsafe(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} (${opcodeName(op)})`, {
          opcode: opcodeName(op),
        });
    }
  }
}

/** Little-endian two's-complement integer; a number when it fits exactly, else a bigint. */
function decodeLong(data: Uint8Array): number | bigint {
  if (data.length === 0) return 0;
  let v = 0n;
  for (let i = data.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
  if (data[data.length - 1]! & 0x80) v -= 1n << BigInt(8 * data.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const OPCODE_NAMES: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x92: 'NEWOBJ_EX',
  0x50: 'PERSID',
  0x49: 'INT',
  0x4c: 'LONG',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x46: 'FLOAT',
  0x67: 'GET',
  0x70: 'PUT',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
};

function opcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? 'unknown';
}
