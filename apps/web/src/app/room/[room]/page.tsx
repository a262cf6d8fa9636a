import type { Metadata } from 'next';
import Link from 'next/link';
import { RoomClient } from '../../../components/editor/RoomClient';
import { webConfig } from '../../../lib/server-config';
import { ROOM_ID_PATTERN } from '../../../lib/room-names';

interface RoomPageProps {
  params: Promise<{ room: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: RoomPageProps): Promise<Metadata> {
  const { room } = await params;
  return { title: `${decodeURIComponent(room)} · Paintscape` };
}

/** Model folder names the page accepts in `?model=` (local rendering). */
const MODEL_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export default async function RoomPage({ params, searchParams }: RoomPageProps) {
  const { room: rawRoom } = await params;
  const query = await searchParams;
  const room = decodeURIComponent(rawRoom);
  if (!ROOM_ID_PATTERN.test(room)) {
    return (
      <main className="page-message">
        <h1>That room name is not valid</h1>
        <p>Room names use letters, digits, dots, dashes and underscores (at most 64).</p>
        <Link href="/">Back to the start page</Link>
      </main>
    );
  }
  const config = webConfig();
  const requestedModel = typeof query['model'] === 'string' && MODEL_NAME_PATTERN.test(query['model']) ? query['model'] : null;
  return <RoomClient room={room} server={config.paintscapeServer} localModel={requestedModel ?? config.defaultLocalModel} />;
}
