import { Room, type RoomOptions } from './paint-room.js';

/**
 * Joins a room: returns at once with a `Room` that connects in the background (listen to
 * 'status', or `await room.whenReady()` before reading `room.map` or painting). In Node < 22
 * pass `WebSocket` from the `ws` package.
 */
export function connect(options: RoomOptions): Room {
  const room = new Room(options);
  // Open after the caller's synchronous listener setup so no early 'status' event is missed.
  queueMicrotask(() => {
    if (!room.destroyed) room.open();
  });
  return room;
}
