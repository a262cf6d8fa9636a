import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { SqliteRoomStore } from './sqlite-store.js';
import { MemoryRoomStore, type RoomStore } from './store.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe.each([
  ['memory', () => ({ store: new MemoryRoomStore() as RoomStore, reopen: null as null | (() => RoomStore), cleanup: () => {} })],
  [
    'sqlite',
    () => {
      const dir = tempDir();
      return { store: new SqliteRoomStore(dir.path) as RoomStore, reopen: () => new SqliteRoomStore(dir.path) as RoomStore, cleanup: dir.remove };
    },
  ],
])('%s room store', (_name, make) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

  it('appends in order, snapshots atomically and keeps rooms apart', () => {
    const { store, reopen, cleanup } = make();
    cleanups.push(cleanup);
    expect(store.load('a')).toEqual({ snapshot: null, updates: [], lastUpdateId: 0 });
    const first = store.append('a', bytes(1));
    const [second, other, third] = store.appendMany([
      { room: 'a', update: bytes(2) },
      { room: 'b', update: bytes(9) },
      { room: 'a', update: bytes(3) },
    ]);
    expect(first! < second! && second! < third!).toBe(true);
    expect(store.load('a').updates).toEqual([bytes(1), bytes(2), bytes(3)]);
    store.writeSnapshot('a', bytes(7, 7), second!);
    expect(store.load('a')).toEqual({ snapshot: bytes(7, 7), updates: [bytes(3)], lastUpdateId: third });
    expect(store.pendingUpdateCount('a')).toBe(1);
    expect(store.load('b').updates).toEqual([bytes(9)]);
    expect(other).toBeGreaterThan(0);
    expect(store.listRooms().sort()).toEqual(['a', 'b']);
    store.close();
    if (reopen) {
      const again = reopen();
      expect(again.load('a')).toEqual({ snapshot: bytes(7, 7), updates: [bytes(3)], lastUpdateId: third });
      again.close();
    }
  });
});
