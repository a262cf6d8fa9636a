/** Recently visited rooms, newest first, kept in localStorage. */
export const RECENT_ROOMS_KEY = 'paintscape.recentRooms';
export const MAX_RECENT_ROOMS = 8;

export interface RecentRoom {
  id: string;
  visitedAt: number;
}

export function readRecentRooms(storage: Storage = localStorage): RecentRoom[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(RECENT_ROOMS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is RecentRoom => typeof r?.id === 'string' && typeof r?.visitedAt === 'number').slice(0, MAX_RECENT_ROOMS);
  } catch {
    return [];
  }
}

export function rememberRoom(id: string, storage: Storage = localStorage, now = Date.now()): RecentRoom[] {
  const next = [{ id, visitedAt: now }, ...readRecentRooms(storage).filter((r) => r.id !== id)].slice(0, MAX_RECENT_ROOMS);
  try {
    storage.setItem(RECENT_ROOMS_KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: recent rooms are a convenience only
  }
  return next;
}
