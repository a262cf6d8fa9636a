// Public API of @paintscape/client-sdk: join a room, paint together, get renders.
export { connect } from './connect.js';
export {
  Room,
  StrokeHandle,
  segMapToOps,
  ROOM_CREATE_DEFAULTS,
  type RoomOptions,
  type RoomCreateOptions,
  type BrushOptions,
  type ShapeOptions,
  type Point,
  type PointList,
} from './paint-room.js';
export {
  RoomConnection,
  RENDER_MESSAGE_TAG,
  type ConnectionStatus,
  type StatusEvent,
  type ChangeEvent,
  type PushedRender,
  type RoomEvents,
} from './room.js';
export { type Presence, type Peer, type ToolName } from './presence.js';
export {
  CONNECT_DEFAULTS,
  ROOM_NAME_PATTERN,
  serverUrls,
  type ConnectOptions,
  type UserInfo,
  type WebSocketConstructor,
} from './options.js';
export { SdkErrorCode, PaintscapeError } from './errors.js';
export { Emitter, type EventMap } from './events.js';
export { decodePngToRgba, encodeImagePng, type RgbaImage } from './png.js';
export {
  Renderer,
  RENDERER_SCHEDULE_DEFAULTS,
  MAX_SEED,
  type RendererSchedule,
  type RendererEvents,
  type RenderSource,
  type StyleInput,
} from './renderer/renderer.js';
export {
  createRenderer,
  backendsForMode,
  BACKEND_PRIORITY,
  RENDERER_DEFAULTS,
  type RendererOptions,
  type RenderMode,
} from './renderer/create-renderer.js';
export { ServerBackend, type ServerBackendOptions } from './renderer/server-backend.js';
export { LocalBackend, loadModel, LOCAL_BACKEND_DEFAULTS, type LocalBackendOptions, type LocalStage } from './renderer/local-backend.js';
export { hasWebGpuAdapter, sessionOptions, DEFAULT_MAX_WASM_THREADS, type WasmOptions, type LocalProvider } from './renderer/ort-loader.js';
export type {
  BackendKind,
  BackendImage,
  RenderBackend,
  RenderEvent,
  RenderRequest,
  NodeRenderImage,
  LocalModelSource,
} from './renderer/types.js';
