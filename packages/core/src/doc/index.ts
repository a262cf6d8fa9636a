// Shared paint document of a room (issue 2). Schema and replay rules: packages/core/PROTOCOL.md.
export { PAINT_LIMITS, DEFAULT_DOC_TUNING, type PaintLimits, type DocTuning } from './limits.js';
export {
  type PaintOp, type PaintOpKind, type StrokeOp, type LineOp, type RectOp, type PolygonOp,
  type FloodFillOp, type EraseOp, type ClearOp, type PaintOpRecord, type OpContext,
  PAINT_OP_KINDS, validateOp, unlabeledValue, isWideLabelCount,
} from './ops.js';
export { OP_FORMAT, encodeOp, decodeOp } from './encoding.js';
export { type Rect, applyOp, replay, unionRect, rasterUnlabeled, rasterContext } from './raster.js';
export {
  ROOM_KEYS, type RoomMeta, type RoomInit, type BaseSnapshotValue, type RoomBase, type SkippedEntry,
  type RoomState, initRoom, readRoomMeta, readRoomBase, readRoomState, replayRoom, roomContext,
  createRoomRaster, rasterToBytes,
} from './schema.js';
export {
  PaintDocument, diffRect, type PaintDocumentOptions, type DocChangeCause, type DocChangeEvent,
  type SkippedOpEvent, type PaintDocumentEvents, type CompactResult, type DocStats,
} from './paint-doc.js';
