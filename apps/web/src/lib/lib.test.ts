import { describe, expect, it } from 'vitest';
import { getLabelSet } from '@paintscape/core';
import { ROOM_ID_PATTERN, parseRoomInput, randomRoomId } from './room-names';
import { MAX_RECENT_ROOMS, RECENT_ROOMS_KEY, readRecentRooms, rememberRoom } from './recent-rooms';
import { randomScene, seededRandom } from './random-scene';
import { mapToScreen, screenToMap, zoomAt, VIEW_LIMITS } from '../components/editor/view-transform';

class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() { return this.#items.size; }
  clear() { this.#items.clear(); }
  getItem(key: string) { return this.#items.get(key) ?? null; }
  key(index: number) { return [...this.#items.keys()][index] ?? null; }
  removeItem(key: string) { this.#items.delete(key); }
  setItem(key: string, value: string) { this.#items.set(key, value); }
}

describe('room ids', () => {
  it('makes readable ids the room pattern accepts', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 50; i++) {
      const id = randomRoomId(random);
      expect(id).toMatch(/^[a-z]+-[a-z]+-\d{2}$/);
      expect(ROOM_ID_PATTERN.test(id)).toBe(true);
    }
  });

  it('accepts ids and share links, rejects anything else', () => {
    expect(parseRoomInput('  misty-otter-42 ')).toBe('misty-otter-42');
    expect(parseRoomInput('http://localhost:3000/room/misty-otter-42?x=1')).toBe('misty-otter-42');
    expect(parseRoomInput('bad room')).toBeNull();
    expect(parseRoomInput('')).toBeNull();
    expect(parseRoomInput('x'.repeat(65))).toBeNull();
  });
});

describe('recent rooms', () => {
  it('keeps the newest first, without duplicates, at most MAX_RECENT_ROOMS', () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < MAX_RECENT_ROOMS + 3; i++) rememberRoom(`room-${i}`, storage, i);
    rememberRoom('room-5', storage, 100);
    const rooms = readRecentRooms(storage);
    expect(rooms).toHaveLength(MAX_RECENT_ROOMS);
    expect(rooms[0]).toEqual({ id: 'room-5', visitedAt: 100 });
    expect(rooms.filter((r) => r.id === 'room-5')).toHaveLength(1);
  });

  it('ignores corrupt storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(RECENT_ROOMS_KEY, '{not json');
    expect(readRecentRooms(storage)).toEqual([]);
    storage.setItem(RECENT_ROOMS_KEY, JSON.stringify([{ id: 3 }, { id: 'ok', visitedAt: 1 }]));
    expect(readRecentRooms(storage)).toEqual([{ id: 'ok', visitedAt: 1 }]);
  });
});

describe('random scene', () => {
  it('is reproducible from its seed and uses sky at the top and only known labels', () => {
    const set = getLabelSet('landscape');
    const a = randomScene(64, 48, set, 9);
    const b = randomScene(64, 48, set, 9);
    expect(a.data).toEqual(b.data);
    expect(randomScene(64, 48, set, 10).data).not.toEqual(a.data);
    const known = new Set(set.classes.map((c) => c.index));
    expect([...a.data].every((v) => known.has(v))).toBe(true);
    const sky = set.classes.find((c) => c.name === 'sky')!.index;
    const cloud = set.classes.find((c) => c.name === 'cloud')!.index;
    for (let x = 0; x < 64; x++) expect([sky, cloud]).toContain(a.data[x]);
  });
});

describe('view transform', () => {
  it('maps screen to map and back, and zooms around the pointer', () => {
    const view = zoomAt({ zoom: 1, panX: 0, panY: 0 }, 2, 100, 50);
    const mapPoint = screenToMap({ zoom: 1, panX: 0, panY: 0 }, 2, 100, 50);
    const after = mapToScreen(view, 2, mapPoint.x, mapPoint.y);
    expect(after.x).toBeCloseTo(100);
    expect(after.y).toBeCloseTo(50);
    expect(zoomAt(view, 1000, 0, 0).zoom).toBe(VIEW_LIMITS.maxZoom);
    expect(zoomAt(view, 1e-6, 0, 0).zoom).toBe(VIEW_LIMITS.minZoom);
  });
});
