import { PaintscapeError, ErrorCode } from '../errors.js';
import type { ModelManifest } from './manifest.js';

export type RenderSizeRequest = readonly [number, number] | { readonly width: number; readonly height: number };

/**
 * The [width, height] a render will use: the graph's fixed size ('official' stage; a different
 * request is an error), else the request or the manifest default, checked against
 * `size.multipleOf` and `size.max`.
 */
export function resolveRenderSize(manifest: ModelManifest, requested?: RenderSizeRequest): [number, number] {
  const size = manifest.generator.size;
  const req: [number, number] | undefined = requested === undefined ? undefined : Array.isArray(requested) ? [requested[0], requested[1]] : [(requested as { width: number }).width, (requested as { height: number }).height];
  if (size.fixed) {
    if (req && (req[0] !== size.fixed[0] || req[1] !== size.fixed[1])) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `model ${manifest.name} renders only at ${size.fixed[0]}×${size.fixed[1]}, got ${req[0]}×${req[1]}`, {
        field: 'size',
        value: req,
        fixed: size.fixed,
      });
    }
    return [size.fixed[0], size.fixed[1]];
  }
  const [width, height] = req ?? size.default;
  for (const [field, value, max] of [['width', width, size.max[0]], ['height', height, size.max[1]]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `${field} must be a positive integer, got ${value}`, { field, value });
    }
    if (value % size.multipleOf !== 0) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `${field} ${value} is not a multiple of ${size.multipleOf} (model ${manifest.name})`, { field, value, multipleOf: size.multipleOf });
    }
    if (value > max) {
      throw new PaintscapeError(ErrorCode.OutOfRange, `${field} ${value} exceeds the model's maximum ${max} (model ${manifest.name})`, { field, value, max });
    }
  }
  return [width, height];
}
