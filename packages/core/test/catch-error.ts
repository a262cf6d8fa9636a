import { expect } from 'vitest';
import { PaintscapeError } from '../src/errors.js';

/** Runs `fn`, asserts it throws a PaintscapeError, and returns that error for further checks. */
export function catchPaintscapeError(fn: () => unknown): PaintscapeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaintscapeError);
    return error as PaintscapeError;
  }
  throw new Error('expected a PaintscapeError');
}
