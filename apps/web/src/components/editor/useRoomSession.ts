'use client';
import { useEffect, useState } from 'react';
import { connect, type ConnectionStatus, type Peer, type Room, type UserInfo } from '@paintscape/client-sdk';

/** Size of a new room's label map (rooms that exist keep theirs). */
export const NEW_ROOM_SIZE = 256;

export interface RoomSession {
  room: Room | null;
  /** True once synced and initialized: `room.map` may be read and painted. */
  ready: boolean;
  status: ConnectionStatus;
  /** Synced with the server on the current connection (false while offline). */
  synced: boolean;
  /** Local map version (+1 per change from anyone). */
  mapVersion: number;
  peers: ReadonlyMap<number, Peer>;
  /** Last connection/sync problem, shown to the user. */
  error: string | null;
}

/** Joins `roomId` on `server` for the lifetime of the component. */
export function useRoomSession(server: string, roomId: string, user: UserInfo | null): RoomSession {
  const [session, setSession] = useState<RoomSession>({ room: null, ready: false, status: 'connecting', synced: false, mapVersion: 0, peers: new Map(), error: null });

  useEffect(() => {
    if (!user) return;
    let room: Room;
    try {
      room = connect({ server, room: roomId, user, create: { width: NEW_ROOM_SIZE, height: NEW_ROOM_SIZE, labelSet: 'landscape' } });
    } catch (error) {
      setSession((s) => ({ ...s, status: 'closed', error: error instanceof Error ? error.message : String(error) }));
      return;
    }
    setSession((s) => ({ ...s, room, ready: false, status: 'connecting', error: null }));
    let versionFrame: number | null = null;
    const offs = [
      room.on('status', (event) => setSession((s) => ({ ...s, status: event.status, synced: event.synced, ...(event.status === 'connected' ? { error: null } : {}) }))),
      // One React update per frame however many changes arrive (peers' strokes stream in pieces).
      room.on('change', () => {
        versionFrame ??= requestAnimationFrame(() => {
          versionFrame = null;
          setSession((s) => ({ ...s, mapVersion: room.mapVersion }));
        });
      }),
      room.on('peers', (peers) => setSession((s) => ({ ...s, peers }))),
      room.on('error', (error) => setSession((s) => ({ ...s, error: error.message }))),
    ];
    // The browser knows first when the network is gone: drop the socket at once (painting goes
    // on locally) and reconnect when it is back, instead of waiting for a socket timeout.
    const goOffline = () => room.disconnect();
    const goOnline = () => room.reconnect();
    window.addEventListener('offline', goOffline);
    window.addEventListener('online', goOnline);
    offs.push(() => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
    });
    room.whenReady().then(
      () => setSession((s) => (s.room === room ? { ...s, ready: true, mapVersion: room.mapVersion } : s)),
      (error: unknown) => setSession((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) })),
    );
    return () => {
      for (const off of offs) off();
      if (versionFrame !== null) cancelAnimationFrame(versionFrame);
      room.destroy();
    };
  }, [server, roomId, user]);

  return session;
}
