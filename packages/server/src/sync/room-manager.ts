/**
 * Holds the rooms in memory: loads a room on first use (before anything is answered),
 * merges its update log into a snapshot in the background, and unloads it once it has had
 * no peers for a grace period. Knows nothing about sockets.
 */
import * as Y from 'yjs';
import { CommitBatcher } from '../persistence/commit-batcher.js';
import type { RoomStore } from '../persistence/store.js';
import { SyncRoom, type RoomLimits, type RoomTransport } from './room.js';

export interface RoomManagerOptions {
  maxRooms: number;
  graceMs: number;
  snapshotEveryUpdates: number;
  snapshotIntervalMs: number;
  limits: RoomLimits;
  now?: () => number;
  /** Called once per loaded room (e.g. to attach the paint raster and renders). */
  onRoomLoaded?: (room: SyncRoom) => void;
  /** Called just before a room is unloaded. */
  onRoomUnloading?: (room: SyncRoom) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export class RoomCapacityError extends Error {
  constructor() {
    super('too many rooms in memory');
  }
}

export class RoomManager {
  private readonly rooms = new Map<string, SyncRoom>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly snapshotTimer: NodeJS.Timeout | null;
  /** Counted for /metrics. */
  totalAcceptedUpdates = 0;
  readonly commits: CommitBatcher;

  constructor(
    private readonly store: RoomStore,
    private readonly transport: RoomTransport,
    private readonly options: RoomManagerOptions,
  ) {
    this.commits = new CommitBatcher(store);
    this.snapshotTimer = options.snapshotIntervalMs > 0 ? setInterval(() => this.mergeSnapshots(), options.snapshotIntervalMs) : null;
    this.snapshotTimer?.unref();
  }

  get size(): number {
    return this.rooms.size;
  }

  get(name: string): SyncRoom | undefined {
    return this.rooms.get(name);
  }

  all(): IterableIterator<SyncRoom> {
    return this.rooms.values();
  }

  /** Returns the loaded room, loading it from the store if needed. Throws RoomCapacityError. */
  acquire(name: string): SyncRoom {
    let existing = this.rooms.get(name);
    if (existing?.isFailed) {
      this.unload(name);
      existing = undefined;
    }
    if (existing) {
      this.cancelUnload(name);
      return existing;
    }
    if (this.rooms.size >= this.options.maxRooms) {
      // Make room by unloading an idle room waiting out its grace period.
      const idle = [...this.rooms.values()].find((r) => r.peerCount === 0);
      if (!idle) throw new RoomCapacityError();
      this.unload(idle.name);
    }
    const room = new SyncRoom(name, this.store, this.commits, this.transport, this.options.limits, this.options.now);
    room.onChange(() => {
      this.totalAcceptedUpdates++;
    });
    this.rooms.set(name, room);
    if (room.updatesSinceSnapshot >= this.options.snapshotEveryUpdates) this.snapshot(room);
    this.options.onRoomLoaded?.(room);
    return room;
  }

  /** Call after a peer left `name`; starts the grace timer when the room became empty. */
  released(name: string): void {
    const room = this.rooms.get(name);
    if (room?.isFailed && room.peerCount === 0) {
      // Drop the possibly non-durable state now; the next client reloads from the store.
      this.unload(name);
      return;
    }
    if (!room || room.peerCount > 0 || this.unloadTimers.has(name)) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(name);
      if (this.rooms.get(name)?.peerCount === 0) this.unload(name);
    }, this.options.graceMs);
    timer.unref();
    this.unloadTimers.set(name, timer);
  }

  /** Writes the room's state as its snapshot (merging the update log). */
  snapshot(room: SyncRoom): void {
    this.commits.flush();
    if (room.updatesSinceSnapshot === 0 || room.isFailed) return;
    const state = Y.encodeStateAsUpdate(room.doc);
    this.store.writeSnapshot(room.name, state, room.lastUpdateId);
    room.updatesSinceSnapshot = 0;
  }

  /** Background merge: rooms whose log reached the threshold get a new snapshot. */
  mergeSnapshots(): void {
    for (const room of this.rooms.values()) {
      if (room.updatesSinceSnapshot >= this.options.snapshotEveryUpdates) {
        try {
          this.snapshot(room);
        } catch (error) {
          this.options.log?.('error', 'snapshot failed', { room: room.name, error: String(error) });
        }
      }
    }
  }

  unload(name: string): void {
    const room = this.rooms.get(name);
    if (!room) return;
    this.cancelUnload(name);
    this.options.onRoomUnloading?.(room);
    try {
      this.snapshot(room);
    } catch (error) {
      this.options.log?.('error', 'snapshot on unload failed', { room: name, error: String(error) });
    }
    this.rooms.delete(name);
    room.destroy();
  }

  /** Shutdown: close every peer with `code`, snapshot and unload every room. */
  closeAll(code: number, reason: string): void {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.commits.flush();
    for (const room of [...this.rooms.values()]) {
      room.closeAll(code, reason);
      this.unload(room.name);
    }
  }

  private cancelUnload(name: string): void {
    const timer = this.unloadTimers.get(name);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(name);
    }
  }
}
