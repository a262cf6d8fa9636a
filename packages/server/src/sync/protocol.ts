/**
 * Wire tags of the y-websocket protocol (first varUint of every message) plus Paintscape's
 * render push (tag 100, which stock y-websocket clients do not handle). Byte layouts are in
 * packages/server/PROTOCOL.md.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export const MessageTag = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  Render: 100,
} as const;

export const RenderMessageKind = {
  /** A rendered PNG of the room's map. */
  Image: 0,
  /** The room's map could not be rendered (code + message). */
  Error: 1,
} as const;

/** WebSocket close codes used by the server (4400–4499: do not reconnect; 45xx: retry later). */
export const CloseCode = {
  GoingAway: 1001,
  MessageTooBig: 1009,
  InternalError: 1011,
  MalformedMessage: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  PayloadTooLarge: 4413,
  RateLimited: 4429,
  RoomFull: 4503,
  ServerFull: 4504,
  SlowConsumer: 4508,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export interface RenderImageMessage {
  kind: typeof RenderMessageKind.Image;
  /** The room's map version this image shows (increases with every accepted change). */
  mapVersion: number;
  model: string;
  width: number;
  height: number;
  seed: number;
  png: Uint8Array;
}

export interface RenderErrorMessage {
  kind: typeof RenderMessageKind.Error;
  mapVersion: number;
  code: string;
  message: string;
}

export type RenderMessage = RenderImageMessage | RenderErrorMessage;

export function encodeRenderMessage(message: RenderMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageTag.Render);
  encoding.writeVarUint(encoder, message.kind);
  encoding.writeVarUint(encoder, message.mapVersion);
  if (message.kind === RenderMessageKind.Image) {
    encoding.writeVarString(encoder, message.model);
    encoding.writeVarUint(encoder, message.width);
    encoding.writeVarUint(encoder, message.height);
    encoding.writeVarUint(encoder, message.seed);
    encoding.writeVarUint8Array(encoder, message.png);
  } else {
    encoding.writeVarString(encoder, message.code);
    encoding.writeVarString(encoder, message.message);
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a tag-100 message (for clients and tests); throws on malformed input. */
export function decodeRenderMessage(data: Uint8Array): RenderMessage {
  const decoder = decoding.createDecoder(data);
  const tag = decoding.readVarUint(decoder);
  if (tag !== MessageTag.Render) throw new Error(`not a render message (tag ${tag})`);
  const kind = decoding.readVarUint(decoder);
  const mapVersion = decoding.readVarUint(decoder);
  if (kind === RenderMessageKind.Image) {
    const model = decoding.readVarString(decoder);
    const width = decoding.readVarUint(decoder);
    const height = decoding.readVarUint(decoder);
    const seed = decoding.readVarUint(decoder);
    const png = decoding.readVarUint8Array(decoder);
    return { kind, mapVersion, model, width, height, seed, png };
  }
  if (kind === RenderMessageKind.Error) {
    return { kind, mapVersion, code: decoding.readVarString(decoder), message: decoding.readVarString(decoder) };
  }
  throw new Error(`unknown render message kind ${kind}`);
}
