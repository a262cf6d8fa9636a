/**
 * Per-room paint state on the server: core's PaintDocument keeps a live raster of the room
 * (malformed ops are skipped by it), the op log is compacted when it grows long, and every
 * raster change queues a render of the newest map (the render queue coalesces older ones).
 * Renders go to the room's peers as tag-100 messages and never into the Y.Doc.
 */
import * as Y from 'yjs';
import { cloneSegMap, PaintDocument, PaintscapeError, ROOM_KEYS, readRoomMeta } from '@paintscape/core';
import type { LatestRender } from '../http/routes.js';
import { CoalescedError } from '../render/queue.js';
import type { RenderService } from '../render/service.js';
import { encodeRenderMessage, RenderMessageKind, type RenderMessage } from '../sync/protocol.js';
import type { SyncRoom } from '../sync/room.js';

export interface RoomPainterOptions {
  renders: RenderService;
  renderEnabled: boolean;
  renderDelayMs: number;
  compactAfterOps: number;
  maxMapPixels: number;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  onRendered: (latest: LatestRender) => void;
}

/** Server-side checkpoint tuning: fewer raster copies than a client keeps. */
const SERVER_DOC_TUNING = { checkpointInterval: 64, maxCheckpoints: 4 };

/**
 * Rejects document updates that would declare a room map above `maxMapPixels`, before they
 * are applied (the paint document would otherwise allocate the raster).
 */
export function mapSizeValidator(maxMapPixels: number): (update: ReturnType<typeof Y.decodeUpdate>) => string | null {
  return (update) => {
    for (const struct of update.structs) {
      if (!(struct instanceof Y.Item) || (struct.parent as unknown) !== ROOM_KEYS.meta || struct.parentSub !== ROOM_KEYS.metaRoom) continue;
      if (!(struct.content instanceof Y.ContentAny)) continue;
      for (const value of struct.content.arr) {
        const meta = value as { width?: unknown; height?: unknown } | null;
        const width = Number(meta?.width);
        const height = Number(meta?.height);
        if (Number.isFinite(width) && Number.isFinite(height) && width * height > maxMapPixels) {
          return `room map ${width}x${height} exceeds ${maxMapPixels} pixels`;
        }
      }
    }
    return null;
  };
}

export class RoomPainter {
  private paint: PaintDocument | null = null;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  /** Map versions (the paint document's) that were rendered, in order. */
  readonly renderedVersions: number[] = [];
  skippedOps = 0;
  /** The last image message, sent to peers that join later. */
  private lastImage: Uint8Array | null = null;

  constructor(
    private readonly room: SyncRoom,
    private readonly options: RoomPainterOptions,
  ) {
    room.onChange(() => this.changed());
    room.onJoin((peerId) => {
      if (this.lastImage) room.sendRender(peerId, this.lastImage);
    });
    this.attach();
    if (this.paint?.raster) this.schedule();
  }

  get document(): PaintDocument | null {
    return this.paint;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.paint?.destroy();
    this.paint = null;
  }

  /** Creates the PaintDocument once the room has a valid description within limits. */
  private attach(): void {
    if (this.paint || this.disposed) return;
    let meta;
    try {
      meta = readRoomMeta(this.room.doc);
    } catch {
      return; // malformed meta: nothing to paint
    }
    if (!meta) return;
    if (meta.width * meta.height > this.options.maxMapPixels) return;
    const paint = new PaintDocument(this.room.doc, { tuning: SERVER_DOC_TUNING });
    paint.on('change', (event) => {
      if (event.dirty !== null || event.cause === 'meta') this.schedule();
    });
    paint.on('skipped', () => {
      this.skippedOps++;
    });
    paint.on('error', (error) => this.options.log('warn', 'paint document error', { room: this.room.name, error: String(error) }));
    this.paint = paint;
  }

  private changed(): void {
    if (this.disposed) return;
    if (!this.paint) {
      this.attach();
      if (this.paint) this.schedule();
    } else if ((this.paint.opCount >= this.options.compactAfterOps)) {
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.process();
    }, this.options.renderDelayMs);
    this.timer.unref();
  }

  private process(): void {
    const paint = this.paint;
    if (this.disposed || !paint) return;
    if (paint.opCount >= this.options.compactAfterOps) {
      try {
        paint.compact();
      } catch (error) {
        this.options.log('warn', 'compaction failed', { room: this.room.name, error: String(error) });
      }
    }
    const raster = paint.raster;
    const meta = paint.meta;
    if (!this.options.renderEnabled || !raster || !meta || this.options.renders.models.size === 0) return;
    const version = paint.version;
    let model;
    try {
      model = this.options.renders.modelForLabelSet(meta.labelSetId);
    } catch (error) {
      this.push({ kind: RenderMessageKind.Error, mapVersion: version, code: (error as PaintscapeError).code ?? 'render_failed', message: (error as Error).message });
      return;
    }
    const map = cloneSegMap(raster);
    this.options.renders
      .render({ model: model.name, map, size: this.options.renders.roomRenderSize(model, map.width, map.height), seed: 0, style: null, coalesceKey: `room:${this.room.name}` })
      .then((result) => {
        if (this.disposed) return;
        this.renderedVersions.push(version);
        this.options.onRendered({ png: result.png, mapVersion: version, model: result.model, width: result.width, height: result.height });
        this.lastImage = encodeRenderMessage({ kind: RenderMessageKind.Image, mapVersion: version, model: result.model, width: result.width, height: result.height, seed: result.seed, png: result.png });
        this.room.broadcastRender(this.lastImage);
      })
      .catch((error: unknown) => {
        if (error instanceof CoalescedError || this.disposed) return;
        const code = error instanceof PaintscapeError ? error.code : 'render_failed';
        this.options.log('warn', 'room render failed', { room: this.room.name, error: String(error) });
        this.push({ kind: RenderMessageKind.Error, mapVersion: version, code, message: (error as Error).message ?? String(error) });
      });
  }

  private push(message: RenderMessage): void {
    this.room.broadcastRender(encodeRenderMessage(message));
  }
}
