/**
 * Limits of the paint-document protocol (schemaVersion 1).
 *
 * These are PART OF THE PROTOCOL: every peer must use the same values, because an op that
 * exceeds a limit is skipped during replay, and peers that skip different ops diverge.
 * They are therefore a frozen constant, not a per-document option.
 */
export const PAINT_LIMITS = Object.freeze({
  /** Schema version written to `meta.room.schemaVersion`. */
  schemaVersion: 1,
  /** Largest map width or height in pixels (keeps all rasterization integers far below 2^53). */
  maxMapSide: 8192,
  /** Largest number of labels a room may declare (Uint16 rasters, 65535 = unlabeled). */
  maxLabelCount: 65535,
  /** Most points in one stroke / erase / polygon op. */
  maxPointsPerOp: 4096,
  /** Largest brush / line / outline radius in pixels. */
  maxRadius: 256,
  /** Longest user id in UTF-8 bytes. */
  maxUserIdBytes: 128,
  /** Largest encoded op blob in bytes; bigger blobs are skipped before parsing. */
  maxOpBytes: 32768,
  /** `paint()` refuses to append once the log holds this many ops (call `compact()`). */
  maxLogOps: 100_000,
});
export type PaintLimits = typeof PAINT_LIMITS;

/** Local tuning of a PaintDocument; does not affect the replayed result, only speed / memory. */
export interface DocTuning {
  /** Take a raster checkpoint every this many ops of the log. */
  checkpointInterval: number;
  /** Keep at most this many checkpoints (oldest are dropped first). */
  maxCheckpoints: number;
  /** …and at most this many bytes of them (big maps get fewer checkpoints; 0 disables them). */
  maxCheckpointBytes: number;
}

export const DEFAULT_DOC_TUNING: Readonly<DocTuning> = Object.freeze({
  checkpointInterval: 32,
  maxCheckpoints: 16,
  maxCheckpointBytes: 64 * 1024 * 1024,
});
