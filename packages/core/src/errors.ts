/**
 * The one error type of Paintscape. `code` is stable and machine-readable;
 * `message` is for people and names the offending field or value.
 * Areas add their codes to `ErrorCode` (keep it sorted by area).
 */
export const ErrorCode = {
  // generic input validation
  InvalidArgument: 'invalid_argument',
  OutOfRange: 'out_of_range',
  // labels / segmaps / png
  UnknownLabelSet: 'unknown_label_set',
  UnknownColor: 'unknown_color',
  LabelOutOfRange: 'label_out_of_range',
  SizeMismatch: 'size_mismatch',
  InvalidPng: 'invalid_png',
  // paint document
  InvalidOperation: 'invalid_operation',
  InvalidDocument: 'invalid_document',
  // model manifest / graph / weights
  InvalidManifest: 'invalid_manifest',
  InvalidConfig: 'invalid_config',
  MissingWeight: 'missing_weight',
  WeightShapeMismatch: 'weight_shape_mismatch',
  UnexpectedWeight: 'unexpected_weight',
  InvalidCheckpoint: 'invalid_checkpoint',
  UnsafePickle: 'unsafe_pickle',
  InvalidOnnx: 'invalid_onnx',
  ModelMismatch: 'model_mismatch',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class PaintscapeError extends Error {
  override readonly name = 'PaintscapeError';
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    /** Structured details, e.g. `{ field: 'width', value: -1 }` or the list of unknown colours. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** Throws a PaintscapeError unless `condition` holds. */
export function assert(
  condition: unknown,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): asserts condition {
  if (!condition) throw new PaintscapeError(code, message, details);
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new PaintscapeError(code, message, details);
}
