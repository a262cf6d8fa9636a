import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { PaintscapeError, type ErrorCode, type SegMap } from '@paintscape/core';
import { Emitter } from './events.js';
import { SdkErrorCode, asPaintscapeError } from './errors.js';
import {
  CONNECT_DEFAULTS,
  type ConnectOptions,
  type WebSocketConstructor,
  invalidArgument,
  serverUrls,
  validateConnectOptions,
} from './options.js';
import { type Peer, type Presence, PresencePublisher, readPeers } from './presence.js';
import { isBrowser } from './runtime.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface StatusEvent {
  status: ConnectionStatus;
  /** True once the document has synced with the server on the current connection. */
  synced: boolean;
  /** Connections opened after the first one. */
  reconnects: number;
  /** For 'closed': the server's close code and reason. */
  close?: { code: number; reason: string };
}

export interface ChangeEvent {
  /** Local map version after the change (increments by one per applied change). */
  mapVersion: number;
  /** True when the change came from this client (painting, undo, redo). */
  local: boolean;
  /** Bounding box of changed pixels, when the document knows it. */
  region?: { x: number; y: number; width: number; height: number };
}

/**
 * A render the server pushed to everyone in the room (y-websocket message tag 100, see
 * packages/server/PROTOCOL.md). `serverMapVersion` is the server's own counter, not `room.mapVersion`.
 */
export interface PushedRender {
  serverMapVersion: number;
  model: string;
  width: number;
  height: number;
  seed: number;
  png: Uint8Array;
}

/** y-websocket message tag of the server's render push. */
export const RENDER_MESSAGE_TAG = 100;
const RenderMessageKind = { Image: 0, Error: 1 } as const;

export type RoomEvents = {
  change: (event: ChangeEvent) => void;
  status: (event: StatusEvent) => void;
  peers: (peers: ReadonlyMap<number, Peer>) => void;
  render: (render: PushedRender) => void;
  error: (error: PaintscapeError) => void;
  /** Emitted once after the first successful sync with the server. */
  synced: () => void;
};

export interface RoomInternals {
  readonly httpUrl: string;
  readonly token: string | undefined;
}

/**
 * A joined room: the Yjs document and its stock y-websocket provider, connection status,
 * peers' presence, and (through `./painting.ts`) the live map and painting.
 */
export class RoomConnection extends Emitter<RoomEvents> {
  readonly ydoc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly name: string;
  readonly internals: RoomInternals;
  #status: ConnectionStatus = 'connecting';
  #synced = false;
  #everSynced = false;
  #connections = 0;
  #destroyed = false;
  readonly #presence: PresencePublisher;
  #peers: ReadonlyMap<number, Peer> = new Map();

  constructor(options: ConnectOptions) {
    super();
    validateConnectOptions(options);
    const WebSocketImpl: WebSocketConstructor | undefined =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl) {
      throw new PaintscapeError(SdkErrorCode.WebSocketUnavailable, 'no WebSocket implementation: pass options.WebSocket (e.g. `import WebSocket from "ws"`) in Node < 22', { field: 'WebSocket' });
    }
    const urls = serverUrls(options.server);
    this.name = options.room;
    this.internals = { httpUrl: urls.http, token: options.token };
    this.ydoc = new Y.Doc();
    this.provider = new WebsocketProvider(`${urls.ws}/sync`, options.room, this.ydoc, {
      connect: false,
      params: options.token ? { token: options.token } : {},
      WebSocketPolyfill: WebSocketImpl,
      maxBackoffTime: options.maxReconnectDelayMs ?? CONNECT_DEFAULTS.maxReconnectDelayMs,
      disableBc: !(options.crossTab ?? isBrowser),
    });
    this.#presence = new PresencePublisher(
      this.provider.awareness,
      options.awarenessThrottleMs ?? CONNECT_DEFAULTS.awarenessThrottleMs,
      options.user,
    );
    this.provider.on('status', ({ status }) => {
      if (status === 'connected') this.#connections++;
      this.#setStatus(status);
    });
    this.provider.on('sync', (synced: boolean) => {
      this.#synced = synced;
      this.#setStatus(this.#status);
      if (synced && !this.#everSynced) {
        this.#everSynced = true;
        this.emit('synced');
      }
    });
    this.provider.on('connection-error', () => {
      this.emit('error', new PaintscapeError(SdkErrorCode.ConnectionError, `cannot reach ${urls.ws}/sync/${options.room}; retrying`, { room: options.room }));
    });
    this.provider.on('closed', ({ code, reason }) => {
      this.#status = 'closed';
      this.emit('status', this.#statusEvent({ code, reason }));
      this.emit('error', new PaintscapeError(SdkErrorCode.ConnectionRefused, `server closed room ${options.room} for good (${code}${reason ? `: ${reason}` : ''})`, { room: options.room, code, reason }));
    });
    this.provider.messageHandlers[RENDER_MESSAGE_TAG] = (_encoder, decoder) => this.#onRenderMessage(decoder);
    this.provider.awareness.on('change', () => {
      this.#peers = readPeers(this.provider.awareness);
      this.emit('peers', this.#peers);
    });
  }

  /** Opens the socket (called by `connect()` once listeners are attached). */
  open(): void {
    this.provider.connect();
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get synced(): boolean {
    return this.#synced;
  }

  get peers(): ReadonlyMap<number, Peer> {
    return this.#peers;
  }

  get presence(): Presence {
    return this.#presence.current;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Updates this user's cursor/tool/label; broadcasts are throttled (`awarenessThrottleMs`). */
  setPresence(patch: Partial<Omit<Presence, 'user'>>): void {
    if (patch.cursor && !(Number.isFinite(patch.cursor.x) && Number.isFinite(patch.cursor.y))) {
      throw invalidArgument('cursor', 'must be { x, y } with finite numbers or null', patch.cursor);
    }
    this.#presence.update(patch);
  }

  /** Resolves once the document has synced with the server (immediately if it already has). */
  whenSynced(): Promise<void> {
    if (this.#everSynced) return Promise.resolve();
    if (this.#destroyed) return Promise.reject(new PaintscapeError(SdkErrorCode.Destroyed, `room ${this.name} was destroyed`));
    return this.once('synced').then(() => undefined);
  }

  /** Closes the socket; local edits are kept and sent on `reconnect()`. */
  disconnect(): void {
    this.provider.disconnect();
  }

  reconnect(): void {
    this.provider.connect();
  }

  /** Leaves the room: removes our presence, closes the socket, frees the document. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#presence.dispose();
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    this.ydoc.destroy();
    this.#status = 'disconnected';
    this.removeAllListeners();
  }

  /** Reports an error to 'error' listeners (for SDK modules built on the room). */
  reportError(error: unknown, code: SdkErrorCode | ErrorCode, message: string): void {
    this.emit('error', asPaintscapeError(error, code, message, { room: this.name }));
  }

  protected emitEvent<E extends keyof RoomEvents>(event: E, ...args: Parameters<RoomEvents[E]>): void {
    this.emit(event, ...args);
  }

  #onRenderMessage(decoder: decoding.Decoder): void {
    try {
      const kind = decoding.readVarUint(decoder);
      const serverMapVersion = decoding.readVarUint(decoder);
      if (kind === RenderMessageKind.Image) {
        const model = decoding.readVarString(decoder);
        const width = decoding.readVarUint(decoder);
        const height = decoding.readVarUint(decoder);
        const seed = decoding.readVarUint(decoder);
        const png = decoding.readVarUint8Array(decoder);
        this.emit('render', { serverMapVersion, model, width, height, seed, png });
      } else if (kind === RenderMessageKind.Error) {
        const code = decoding.readVarString(decoder);
        const message = decoding.readVarString(decoder);
        this.emit('error', new PaintscapeError(code, `server render of room ${this.name} failed: ${message}`, { room: this.name, serverMapVersion }));
      }
    } catch (error) {
      this.reportError(error, SdkErrorCode.ServerError, 'malformed render message from the server');
    }
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.emit('status', this.#statusEvent());
  }

  #statusEvent(close?: { code: number; reason: string }): StatusEvent {
    return { status: this.#status, synced: this.#synced, reconnects: Math.max(0, this.#connections - 1), ...(close ? { close } : {}) };
  }
}

export type { SegMap };
