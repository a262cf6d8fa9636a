// Public API of @paintscape/server.
export { createServer, roomFromPath, MAX_ROOM_NAME_LENGTH, type PaintscapeServer } from './server.js';
export {
  type ServerOptions,
  type ServerOptionsInput,
  type ServerLimits,
  type DeviceChoice,
  DEFAULT_LIMITS,
  defaultOptions,
  resolveOptions,
  optionsFromArgs,
  optionsFromEnv,
  OPTION_SPECS,
} from './config.js';
export { mintToken, verifyToken, type TokenClaims, type TokenScope, type TokenCheck } from './auth/token.js';
export {
  MessageTag,
  CloseCode,
  RenderMessageKind,
  encodeRenderMessage,
  decodeRenderMessage,
  type RenderMessage,
  type RenderImageMessage,
  type RenderErrorMessage,
} from './sync/protocol.js';
export { type RoomStore, type StoredRoom, MemoryRoomStore } from './persistence/store.js';
export { SqliteRoomStore } from './persistence/sqlite-store.js';
export { SyncRoom, type RoomTransport, type PeerInfo } from './sync/room.js';
