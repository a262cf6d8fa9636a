import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { PaintscapeError, ErrorCode, readPth, readSafetensors, type RawStateDict } from '@paintscape/core';
import type { ProgressStep } from './progress.js';

/** Read size per chunk when reporting progress on large files. */
export const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Reads a whole file, reporting bytes read to `step`; a missing file is a PaintscapeError naming it. */
export async function readFileWithProgress(path: string, step?: ProgressStep): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    const { size } = await handle.stat();
    const out = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(out, offset, Math.min(READ_CHUNK_BYTES, size - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      step?.update(offset / size);
    }
    return out.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

export function fileError(path: string, error: unknown): PaintscapeError {
  const code = (error as { code?: string }).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((error as Error).message ?? error);
  return new PaintscapeError(ErrorCode.InvalidArgument, `cannot read ${path}: ${reason}`, { field: 'path', path });
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PaintscapeError(ErrorCode.InvalidArgument, `${what} ${path} is not valid JSON: ${(error as Error).message}`, { field: 'path', path });
  }
}

/**
 * A state dict from `.safetensors` or a PyTorch checkpoint (`.pth`, `.pt`, `.ckpt`, `.bin`,
 * legacy or zip). The format is chosen by extension, falling back to the content.
 */
export function parseStateDict(bytes: Uint8Array, path: string, options: { key?: string } = {}): RawStateDict {
  if (extname(path).toLowerCase() === '.safetensors') {
    if (options.key !== undefined) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, 'a state-dict key only applies to .pth checkpoints', { field: 'key' });
    }
    return readSafetensors(bytes).tensors;
  }
  return readPth(bytes, options);
}
