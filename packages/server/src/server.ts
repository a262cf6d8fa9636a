/**
 * `createServer(options)`: one Node process serving HTTP and WebSocket sync on one port.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { resolveOptions, type ServerOptions, type ServerOptionsInput } from './config.js';
import { createHttpHandler, type LatestRender } from './http/routes.js';
import { RateMeter, renderMetrics } from './metrics.js';
import { MemoryRoomStore, type RoomStore } from './persistence/store.js';
import { SqliteRoomStore } from './persistence/sqlite-store.js';
import { mapSizeValidator, RoomPainter } from './paint/room-painter.js';
import { RenderService } from './render/service.js';
import { LruCache } from './render/cache.js';
import { CloseCode } from './sync/protocol.js';
import { RoomManager } from './sync/room-manager.js';
import { SocketAdapter } from './sync/socket-adapter.js';

export interface PaintscapeServer {
  readonly options: ServerOptions;
  /** Bound port (useful with `port: 0`). */
  readonly port: number;
  /** `http://host:port` for local use. */
  readonly url: string;
  readonly http: Server;
  readonly rooms: RoomManager;
  readonly renders: RenderService;
  readonly store: RoomStore;
  /** Paint state of each loaded room. */
  readonly painters: ReadonlyMap<string, RoomPainter>;
  /** Stop accepting, flush persistence, close sockets with 1001. Idempotent. */
  close(): Promise<void>;
}

/** Longest room name accepted in `/sync/<room>` (after URL decoding). */
export const MAX_ROOM_NAME_LENGTH = 200;

export function roomFromPath(pathname: string): string | null {
  if (!pathname.startsWith('/sync/')) return null;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice('/sync/'.length));
  } catch {
    return null;
  }
  if (name.length === 0 || name.length > MAX_ROOM_NAME_LENGTH || name.includes('/')) return null;
  return name;
}

export async function createServer(input: ServerOptionsInput = {}): Promise<PaintscapeServer> {
  const options = resolveOptions(input);
  const { log, limits } = options;
  const store: RoomStore = options.dataDir === null ? new MemoryRoomStore() : new SqliteRoomStore(options.dataDir, { synchronous: options.sqliteSync });
  const renders = new RenderService({
    device: options.device,
    concurrency: options.renderConcurrency,
    maxBatch: options.maxBatch,
    batchWindowMs: options.batchWindowMs,
    cacheEntries: options.renderCacheEntries,
    maxMapPixels: limits.maxMapPixels,
    log,
  });
  await renders.load(options.modelDirs);

  const updatesMeter = new RateMeter();
  const latestRenders = new LruCache<LatestRender>(Math.max(16, limits.maxRoomsInMemory));
  const painters = new Map<string, RoomPainter>();
  const adapter = new SocketAdapter({
    tokenSecret: options.tokenSecret,
    allowedOrigins: options.allowedOrigins,
    maxClientsPerRoom: limits.maxClientsPerRoom,
    maxSendBufferBytes: limits.maxSendBufferBytes,
    heartbeatMs: 30_000,
    log,
  });
  const rooms = new RoomManager(store, adapter, {
    maxRooms: limits.maxRoomsInMemory,
    graceMs: options.roomGraceMs,
    snapshotEveryUpdates: options.snapshotEveryUpdates,
    snapshotIntervalMs: options.snapshotIntervalMs,
    limits: { updatesPerSecond: limits.updatesPerSecond, updateBurst: limits.updateBurst, validateUpdate: mapSizeValidator(limits.maxMapPixels) },
    log,
    onRoomLoaded: (room) => {
      room.onChange(() => updatesMeter.mark());
      const painter = new RoomPainter(room, {
        renders,
        renderEnabled: options.roomRenders,
        renderDelayMs: options.roomRenderDelayMs,
        compactAfterOps: options.compactAfterOps,
        maxMapPixels: limits.maxMapPixels,
        log,
        onRendered: (latest) => latestRenders.set(room.name, latest),
      });
      painters.set(room.name, painter);
    },
    onRoomUnloading: (room) => {
      painters.get(room.name)?.dispose();
      painters.delete(room.name);
    },
  });
  adapter.attach(rooms);

  const startedAt = Date.now();
  const health = (): Record<string, unknown> => ({
    ok: true,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    rooms: rooms.size,
    connections: adapter.connectionCount,
    models: [...renders.models.values()].map((m) => ({ name: m.name, device: m.generator.device })),
    modelFailures: renders.failures,
    persistence: options.dataDir === null ? 'memory' : 'sqlite',
  });
  const metricsText = (): string => {
    const stats = renders.queueStats;
    return renderMetrics(
      [
        { name: 'paintscape_connections', help: 'Open WebSocket connections', type: 'gauge', values: [{ value: adapter.connectionCount }] },
        { name: 'paintscape_rooms', help: 'Rooms in memory', type: 'gauge', values: [{ value: rooms.size }] },
        { name: 'paintscape_updates_total', help: 'Document updates accepted', type: 'counter', values: [{ value: rooms.totalAcceptedUpdates }] },
        { name: 'paintscape_updates_per_second', help: 'Accepted updates per second (10 s window)', type: 'gauge', values: [{ value: updatesMeter.perSecond() }] },
        { name: 'paintscape_render_queue_depth', help: 'Render requests waiting', type: 'gauge', values: [{ value: renders.queueDepth }] },
        { name: 'paintscape_renders_total', help: 'Maps rendered by the generator', type: 'counter', values: [{ value: stats?.rendered ?? 0 }] },
        { name: 'paintscape_renders_coalesced_total', help: 'Queued renders replaced by a newer one', type: 'counter', values: [{ value: stats?.coalesced ?? 0 }] },
        { name: 'paintscape_render_cache_hits_total', help: 'Render cache hits', type: 'counter', values: [{ value: renders.cache.hits }] },
        { name: 'paintscape_render_cache_misses_total', help: 'Render cache misses', type: 'counter', values: [{ value: renders.cache.misses }] },
        {
          name: 'paintscape_socket_closes_total',
          help: 'Sockets closed by the server, by close code',
          type: 'counter',
          values: [...adapter.closedByCode.entries()].map(([code, value]) => ({ labels: { code: String(code) }, value })),
        },
      ],
      [renders.latency, renders.batchSizes],
    );
  };

  const httpServer = createHttpServer(
    createHttpHandler({
      options,
      renders,
      latestRoomRender: (room) => latestRenders.get(room) ?? null,
      metricsText,
      health,
    }),
  );
  httpServer.requestTimeout = 60_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const room = roomFromPath(url.pathname);
    if (room === null) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{"error":{"code":"not_found","message":"WebSocket path must be /sync/<room>"}}');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => adapter.accept(ws, req, url, room));
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  log('info', 'listening', { port, host: options.host, data: options.dataDir ?? 'memory', models: [...renders.models.keys()] });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      adapter.stopAccepting();
      httpServer.close();
      for (const painter of painters.values()) painter.dispose();
      // Flush: every room's state becomes its snapshot; then peers are told we are going away.
      rooms.closeAll(CloseCode.GoingAway, 'server shutting down');
      adapter.closeAll(CloseCode.GoingAway, 'server shutting down');
      await new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
          resolve();
        }, 2000);
        const check = (): void => {
          if (wss.clients.size === 0) {
            clearTimeout(deadline);
            resolve();
          } else setTimeout(check, 10);
        };
        check();
      });
      wss.close();
      httpServer.closeAllConnections();
      store.close();
      await renders.close();
      log('info', 'stopped');
    })();
    return closing;
  };

  return {
    options,
    port,
    url: `http://${options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host}:${port}`,
    http: httpServer,
    rooms,
    renders,
    store,
    painters,
    close,
  };
}
