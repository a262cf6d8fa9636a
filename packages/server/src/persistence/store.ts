/**
 * Room persistence behind one small interface. Calls are synchronous on purpose: `append`
 * returns only once the update is durable, so the caller can broadcast right after it and
 * never tell a peer about an update that a crash could lose.
 */
export interface StoredRoom {
  /** Merged state of everything up to `snapshotUpto`, or null when never merged. */
  snapshot: Uint8Array | null;
  /** Updates after the snapshot, in the order they were accepted. */
  updates: Uint8Array[];
  /** Id of the last update in `updates` (or of the snapshot's last one); 0 for a new room. */
  lastUpdateId: number;
}

export interface RoomStore {
  /** Loads everything stored for `room` (empty for an unknown room). */
  load(room: string): StoredRoom;
  /** Durably appends one Yjs update to `room`'s log and returns its id (increasing per store). */
  append(room: string, update: Uint8Array): number;
  /** Appends several updates in one durable commit (group commit); returns their ids in order. */
  appendMany(entries: ReadonlyArray<{ room: string; update: Uint8Array }>): number[];
  /** Atomically replaces the snapshot and every update with id ≤ `uptoId` by `snapshot`. */
  writeSnapshot(room: string, snapshot: Uint8Array, uptoId: number): void;
  /** Number of updates stored after the room's snapshot. */
  pendingUpdateCount(room: string): number;
  /** Names of stored rooms. */
  listRooms(): string[];
  close(): void;
}

/** Keeps rooms in process memory: for tests and `--data none`. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, { snapshot: Uint8Array | null; snapshotUpto: number; updates: Array<{ id: number; data: Uint8Array }> }>();
  private nextId = 1;

  load(room: string): StoredRoom {
    const entry = this.rooms.get(room);
    if (!entry) return { snapshot: null, updates: [], lastUpdateId: 0 };
    const last = entry.updates.at(-1)?.id ?? entry.snapshotUpto;
    return { snapshot: entry.snapshot, updates: entry.updates.map((u) => u.data), lastUpdateId: last };
  }

  append(room: string, update: Uint8Array): number {
    let entry = this.rooms.get(room);
    if (!entry) {
      entry = { snapshot: null, snapshotUpto: 0, updates: [] };
      this.rooms.set(room, entry);
    }
    const id = this.nextId++;
    entry.updates.push({ id, data: update.slice() });
    return id;
  }

  appendMany(entries: ReadonlyArray<{ room: string; update: Uint8Array }>): number[] {
    return entries.map((e) => this.append(e.room, e.update));
  }

  writeSnapshot(room: string, snapshot: Uint8Array, uptoId: number): void {
    const entry = this.rooms.get(room) ?? { snapshot: null, snapshotUpto: 0, updates: [] };
    entry.snapshot = snapshot.slice();
    entry.snapshotUpto = Math.max(entry.snapshotUpto, uptoId);
    entry.updates = entry.updates.filter((u) => u.id > uptoId);
    this.rooms.set(room, entry);
  }

  pendingUpdateCount(room: string): number {
    return this.rooms.get(room)?.updates.length ?? 0;
  }

  listRooms(): string[] {
    return [...this.rooms.keys()];
  }

  close(): void {
    // nothing to release
  }
}
