import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PaintscapeError } from '../errors.js';
import { catchPaintscapeError } from '../../test/catch-error.js';
import { readPth, readSafetensors, writeSafetensors, unpickle, readZip, type RawStateDict } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/weights/', import.meta.url));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + name));
const expected = JSON.parse(readFileSync(FIXTURES + 'tiny_expected.json', 'utf8')) as Record<
  string,
  { dtype: string; shape: number[]; values: number[] }
>;
/** Written by training/scripts/gen_checkpoint_fixtures.py into malicious.pth's pickle. */
const UNSAFE_MARKER = '/tmp/paintscape_unsafe_pickle_marker';

function expectMatchesPython(sd: RawStateDict, onlyFloats = false): void {
  const names = Object.keys(expected).filter((k) => !onlyFloats || !expected[k]!.dtype.startsWith('int'));
  expect([...sd.keys()]).toEqual(names);
  for (const name of names) {
    const want = expected[name]!;
    const got = sd.get(name)!;
    expect(got.shape, name).toEqual(want.shape);
    if (!onlyFloats) expect(got.dtype, name).toBe(want.dtype);
    if (got.data instanceof BigInt64Array) {
      expect([...got.data].map(Number), name).toEqual(want.values);
    } else {
      // float16/bfloat16/float64 widen to float32: compare at float32 precision.
      expect([...got.data], name).toEqual([...Float32Array.from(want.values)]);
    }
  }
}

describe('PyTorch checkpoint reader', () => {
  it('reads a zip-format state dict, including half, bfloat16, int64, strided and offset views', () => {
    expectMatchesPython(readPth(fixture('tiny_zip.pth')));
  });

  it('reads the legacy (pre-1.6) format identically', () => {
    expectMatchesPython(readPth(fixture('tiny_legacy.pth')));
  });

  it('finds the single state dict inside a wrapping checkpoint dict', () => {
    expectMatchesPython(readPth(fixture('tiny_wrapped.pth')));
    expectMatchesPython(readPth(fixture('tiny_wrapped.pth'), { key: 'state_dict' }));
  });

  it('asks for a key when a checkpoint holds several state dicts, and names missing keys', () => {
    const ambiguous = catchPaintscapeError(() => readPth(fixture('tiny_two_dicts.pth')));
    expect(ambiguous.code).toBe('invalid_checkpoint');
    expect(ambiguous.message).toContain('netG');
    expect(ambiguous.message).toContain('netD');
    expectMatchesPython(readPth(fixture('tiny_two_dicts.pth'), { key: 'netD' }));
    const missing = catchPaintscapeError(() => readPth(fixture('tiny_two_dicts.pth'), { key: 'netE' }));
    expect(missing.message).toContain("no key 'netE'");
  });

  it('refuses a pickle that calls os.system, without running it', () => {
    rmSync(UNSAFE_MARKER, { force: true });
    const error = catchPaintscapeError(() => readPth(fixture('malicious.pth')));
    expect(error.code).toBe('unsafe_pickle');
    expect(error.message).toContain('posix.system');
    expect(error.message).toMatch(/at byte 2\b/);
    expect(error.details).toMatchObject({ global: 'posix.system', offset: 2 });
    expect(existsSync(UNSAFE_MARKER)).toBe(false);
  });

  it('names an unknown opcode and its offset', () => {
    // PROTO 2, then INST ('i'), which state dicts never use.
    const error = catchPaintscapeError(() => unpickle(new Uint8Array([0x80, 0x02, 0x69, 0x2e])));
    expect(error.code).toBe('unsafe_pickle');
    expect(error.message).toContain('INST');
    expect(error.details).toMatchObject({ offset: 2 });
  });

  it('refuses builtins.eval through STACK_GLOBAL too', () => {
    const enc = new TextEncoder();
    const str = (s: string): number[] => [0x8c, s.length, ...enc.encode(s)];
    const bytes = new Uint8Array([0x80, 0x04, ...str('builtins'), ...str('eval'), 0x93, 0x2e]);
    const error = catchPaintscapeError(() => unpickle(bytes));
    expect(error.message).toContain('builtins.eval');
    expect(error.details).toMatchObject({ offset: 2 + 10 + 6 });
  });

  it('rejects a file that is neither zip nor pickle', () => {
    expect(catchPaintscapeError(() => readPth(new Uint8Array([1, 2, 3, 4]))).code).toBe('invalid_checkpoint');
  });

  it('reads deflated ZIP entries', async () => {
    const { zipSync } = await import('fflate');
    const archive = zipSync({ 'a/data.txt': [new TextEncoder().encode('hello hello hello hello'), { level: 9 }] });
    const entry = readZip(archive).get('a/data.txt')!;
    expect(entry.method).toBe(8);
    expect(new TextDecoder().decode(entry.read())).toBe('hello hello hello hello');
  });
});

describe('safetensors', () => {
  it('reads a file written by Python', () => {
    expectMatchesPython(readSafetensors(fixture('tiny.safetensors')).tensors, true);
  });

  it('round-trips float32, int64 and metadata', () => {
    const tensors = new Map([
      ['a', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) }],
      ['b', { shape: [], data: BigInt64Array.from([42n]) }],
    ]);
    const bytes = writeSafetensors(tensors, { source: 'test' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ source: 'test' });
    expect(back.tensors.get('a')).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) });
    expect(back.tensors.get('b')).toEqual({ dtype: 'int64', shape: [], data: BigInt64Array.from([42n]) });
  });

  it('rejects data offsets that do not match the shape, naming the tensor', () => {
    const bytes = writeSafetensors(new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
    const text = new TextDecoder().decode(bytes).replace('"shape":[4]', '"shape":[5]');
    const error = catchPaintscapeError(() => readSafetensors(new TextEncoder().encode(text)));
    expect(error.code).toBe('invalid_checkpoint');
    expect(error.message).toContain('tensor w');
  });
});
