import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RoomStore, StoredRoom } from './store.js';

/**
 * SQLite room store (better-sqlite3, synchronous). WAL journal; `synchronous` is FULL by
 * default, so every `append` is fsynced before it returns (an acknowledged update survives
 * power loss). NORMAL is faster (no fsync per commit; still crash-safe against process
 * kills because WAL frames are in the OS cache, but the last commits may be lost on power
 * loss or kernel crash).
 */
export class SqliteRoomStore implements RoomStore {
  private readonly db: Database.Database;
  private readonly insertUpdate: Database.Statement<[string, Buffer]>;
  private readonly selectUpdates: Database.Statement<[string]>;
  private readonly selectSnapshot: Database.Statement<[string]>;
  private readonly countUpdates: Database.Statement<[string]>;
  private readonly upsertSnapshot: Database.Statement<[string, Buffer, number]>;
  private readonly deleteUpdates: Database.Statement<[string, number]>;
  private readonly snapshotTransaction: (room: string, snapshot: Uint8Array, uptoId: number) => void;
  private readonly appendTransaction: (entries: ReadonlyArray<{ room: string; update: Uint8Array }>) => number[];

  constructor(dataDir: string, options: { synchronous?: 'full' | 'normal'; fileName?: string } = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, options.fileName ?? 'rooms.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS room_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        data BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS room_updates_room ON room_updates (room, id);
      CREATE TABLE IF NOT EXISTS room_snapshots (
        room TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        upto_id INTEGER NOT NULL
      );
    `);
    this.insertUpdate = this.db.prepare('INSERT INTO room_updates (room, data) VALUES (?, ?)');
    this.selectUpdates = this.db.prepare('SELECT id, data FROM room_updates WHERE room = ? ORDER BY id');
    this.selectSnapshot = this.db.prepare('SELECT data, upto_id FROM room_snapshots WHERE room = ?');
    this.countUpdates = this.db.prepare('SELECT COUNT(*) AS n FROM room_updates WHERE room = ?');
    this.upsertSnapshot = this.db.prepare(
      'INSERT INTO room_snapshots (room, data, upto_id) VALUES (?, ?, ?) ON CONFLICT(room) DO UPDATE SET data = excluded.data, upto_id = excluded.upto_id',
    );
    this.deleteUpdates = this.db.prepare('DELETE FROM room_updates WHERE room = ? AND id <= ?');
    this.snapshotTransaction = this.db.transaction((room: string, snapshot: Uint8Array, uptoId: number) => {
      this.upsertSnapshot.run(room, Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength), uptoId);
      this.deleteUpdates.run(room, uptoId);
    });
    // One transaction = one fsync for a whole batch of updates (group commit).
    this.appendTransaction = this.db.transaction((entries: ReadonlyArray<{ room: string; update: Uint8Array }>) =>
      entries.map((e) => this.append(e.room, e.update)),
    );
  }

  appendMany(entries: ReadonlyArray<{ room: string; update: Uint8Array }>): number[] {
    return this.appendTransaction(entries);
  }

  load(room: string): StoredRoom {
    const snap = this.selectSnapshot.get(room) as { data: Buffer; upto_id: number } | undefined;
    const rows = this.selectUpdates.all(room) as Array<{ id: number; data: Buffer }>;
    return {
      snapshot: snap ? new Uint8Array(snap.data) : null,
      updates: rows.map((r) => new Uint8Array(r.data)),
      lastUpdateId: rows.at(-1)?.id ?? snap?.upto_id ?? 0,
    };
  }

  append(room: string, update: Uint8Array): number {
    const info = this.insertUpdate.run(room, Buffer.from(update.buffer, update.byteOffset, update.byteLength));
    return Number(info.lastInsertRowid);
  }

  writeSnapshot(room: string, snapshot: Uint8Array, uptoId: number): void {
    this.snapshotTransaction(room, snapshot, uptoId);
  }

  pendingUpdateCount(room: string): number {
    return (this.countUpdates.get(room) as { n: number }).n;
  }

  listRooms(): string[] {
    const rows = this.db.prepare('SELECT room FROM room_snapshots UNION SELECT DISTINCT room FROM room_updates').all() as Array<{ room: string }>;
    return rows.map((r) => r.room);
  }

  close(): void {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
