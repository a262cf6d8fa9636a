'use client';
import dynamic from 'next/dynamic';

/** The editor runs only in the browser (canvas, WebSocket, onnxruntime-web): no server rendering. */
const Editor = dynamic(() => import('./Editor').then((m) => m.Editor), {
  ssr: false,
  loading: () => <p className="page-message" role="status">Loading the editor…</p>,
});

export interface RoomClientProps {
  room: string;
  server: string;
  localModel: string;
}

export function RoomClient(props: RoomClientProps) {
  return <Editor {...props} />;
}
