'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { parseRoomInput, randomRoomId } from '../../lib/room-names';
import { readRecentRooms, type RecentRoom } from '../../lib/recent-rooms';

export function HomeScreen() {
  const router = useRouter();
  const [joinInput, setJoinInput] = useState('');
  const [joinError, setJoinError] = useState<string | null>(null);
  const [recent, setRecent] = useState<RecentRoom[]>([]);

  useEffect(() => setRecent(readRecentRooms()), []);

  const openRoom = (id: string) => router.push(`/room/${encodeURIComponent(id)}`);

  const onJoin = (event: FormEvent) => {
    event.preventDefault();
    const id = parseRoomInput(joinInput);
    if (!id) {
      setJoinError('Enter a room name (letters, digits, . _ -) or paste a share link.');
      return;
    }
    openRoom(id);
  };

  return (
    <main className="home">
      <h1>Paintscape</h1>
      <p className="tagline">Paint a landscape together — sky, water, mountains — and watch it turn into a photo as you paint.</p>
      <section className="home-card" aria-labelledby="create-heading">
        <h2 id="create-heading">Start painting</h2>
        <button type="button" className="primary" data-testid="create-room" onClick={() => openRoom(randomRoomId())}>
          Create a new room
        </button>
      </section>
      <section className="home-card" aria-labelledby="join-heading">
        <h2 id="join-heading">Join a room</h2>
        <form onSubmit={onJoin} className="join-form">
          <label htmlFor="join-room">Room name or link</label>
          <input
            id="join-room"
            data-testid="join-input"
            value={joinInput}
            onChange={(e) => {
              setJoinInput(e.target.value);
              setJoinError(null);
            }}
            placeholder="misty-otter-42"
            aria-invalid={joinError !== null}
            aria-describedby={joinError ? 'join-error' : undefined}
          />
          <button type="submit">Join</button>
        </form>
        {joinError && <p id="join-error" className="error" role="alert">{joinError}</p>}
      </section>
      {recent.length > 0 && (
        <section className="home-card" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent rooms</h2>
          <ul className="recent-rooms" data-testid="recent-rooms">
            {recent.map((r) => (
              <li key={r.id}>
                <a href={`/room/${encodeURIComponent(r.id)}`}>{r.id}</a>
                <time dateTime={new Date(r.visitedAt).toISOString()}>{new Date(r.visitedAt).toLocaleString()}</time>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
