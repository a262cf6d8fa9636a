/**
 * Wraps the socket-free rooms with `ws`: authenticates and admits connections to
 * `/sync/<room>`, feeds messages to the room and carries the room's replies back.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { verifyToken } from '../auth/token.js';
import { CloseCode } from './protocol.js';
import { RoomCapacityError, type RoomManager } from './room-manager.js';
import type { RoomTransport } from './room.js';

export interface SocketAdapterOptions {
  tokenSecret: string | null;
  allowedOrigins: string[];
  maxClientsPerRoom: number;
  /** Queued bytes for one socket before it is closed as a slow consumer. */
  maxSendBufferBytes: number;
  /** Ping interval; a socket that misses a pong is terminated. */
  heartbeatMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

interface Connection {
  ws: WebSocket;
  room: string;
  alive: boolean;
}

export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.includes('*')) return true;
  return origin !== undefined && allowed.includes(origin);
}

/** Token from `?token=` or `Authorization: Bearer <token>`. */
export function tokenFromRequest(req: IncomingMessage, url: URL): string | null {
  const query = url.searchParams.get('token');
  if (query) return query;
  const header = req.headers['authorization'];
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  return null;
}

export class SocketAdapter implements RoomTransport {
  private readonly connections = new Map<number, Connection>();
  private nextPeerId = 1;
  private readonly heartbeat: NodeJS.Timeout;
  private accepting = true;
  /** Connections closed by the server, by close code (for /metrics). */
  readonly closedByCode = new Map<number, number>();
  private rooms: RoomManager | null = null;

  constructor(private readonly options: SocketAdapterOptions) {
    this.heartbeat = setInterval(() => this.checkAlive(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(rooms: RoomManager): void {
    this.rooms = rooms;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  stopAccepting(): void {
    this.accepting = false;
    clearInterval(this.heartbeat);
  }

  /** Admits an upgraded socket to `room` or closes it with a documented code. */
  accept(ws: WebSocket, req: IncomingMessage, url: URL, roomName: string): void {
    const rooms = this.rooms;
    if (!rooms || !this.accepting) return this.refuse(ws, CloseCode.GoingAway, 'server is shutting down');
    if (!originAllowed(this.options.allowedOrigins, req.headers.origin)) {
      return this.refuse(ws, CloseCode.Forbidden, 'origin not allowed');
    }
    let canWrite = true;
    if (this.options.tokenSecret !== null) {
      const check = verifyToken(this.options.tokenSecret, tokenFromRequest(req, url), roomName, 'read');
      if (!check.ok) return this.refuse(ws, check.status === 401 ? CloseCode.Unauthorized : CloseCode.Forbidden, check.message);
      canWrite = check.claims.scope === 'write';
    }
    let room;
    try {
      room = rooms.acquire(roomName);
    } catch (error) {
      if (error instanceof RoomCapacityError) return this.refuse(ws, CloseCode.ServerFull, 'too many rooms in memory');
      this.options.log('error', 'room load failed', { room: roomName, error: String(error) });
      return this.refuse(ws, CloseCode.InternalError, 'room could not be loaded');
    }
    if (room.peerCount >= this.options.maxClientsPerRoom) {
      rooms.released(roomName);
      return this.refuse(ws, CloseCode.RoomFull, 'room is full');
    }
    const id = this.nextPeerId++;
    const connection: Connection = { ws, room: roomName, alive: true };
    this.connections.set(id, connection);
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      connection.alive = true;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      rooms.get(roomName)?.receive(id, bytes);
    });
    ws.on('close', () => {
      this.connections.delete(id);
      const current = rooms.get(roomName);
      if (current) {
        current.leave(id);
        rooms.released(roomName);
      }
    });
    ws.on('error', (error) => {
      this.options.log('warn', 'socket error', { room: roomName, error: error.message });
    });
    room.join({ id, canWrite, wantsRenders: url.searchParams.get('renders') !== '0' });
  }

  send(peerId: number, data: Uint8Array): void {
    const connection = this.connections.get(peerId);
    if (!connection || connection.ws.readyState !== connection.ws.OPEN) return;
    if (connection.ws.bufferedAmount + data.byteLength > this.options.maxSendBufferBytes) {
      // A socket that stopped reading must not grow server memory without bound.
      this.rooms?.get(connection.room)?.leave(peerId);
      this.countClose(CloseCode.SlowConsumer);
      connection.ws.close(CloseCode.SlowConsumer, 'client is not reading fast enough');
      const ws = connection.ws;
      setTimeout(() => ws.terminate(), 2000).unref();
      return;
    }
    connection.ws.send(data, { binary: true });
  }

  close(peerId: number, code: number, reason: string): void {
    const connection = this.connections.get(peerId);
    if (!connection) return;
    this.countClose(code);
    connection.ws.close(code, truncateReason(reason));
  }

  /** Closes every socket with `code` (used at shutdown after rooms were flushed). */
  closeAll(code: number, reason: string): void {
    for (const connection of this.connections.values()) {
      connection.ws.close(code, truncateReason(reason));
    }
  }

  private refuse(ws: WebSocket, code: number, reason: string): void {
    this.countClose(code);
    ws.close(code, truncateReason(reason));
  }

  private countClose(code: number): void {
    this.closedByCode.set(code, (this.closedByCode.get(code) ?? 0) + 1);
  }

  private checkAlive(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }
}

/** Close reasons are limited to 123 bytes by RFC 6455. */
function truncateReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
