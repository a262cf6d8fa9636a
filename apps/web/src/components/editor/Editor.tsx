'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import type { RenderMode, UserInfo } from '@paintscape/client-sdk';
import { loadIdentity } from '../../lib/identity';
import { rememberRoom } from '../../lib/recent-rooms';
import { ConnectionBanner } from './ConnectionBanner';
import { downloadBlob } from './download';
import { LabelPalette } from './LabelPalette';
import { MapFiles } from './MapFiles';
import { PaintCanvas } from './PaintCanvas';
import { Participants } from './Participants';
import { RenderControls } from './RenderControls';
import { RenderView } from './RenderView';
import { ShareLink } from './ShareLink';
import { Toolbar } from './Toolbar';
import { BRUSH_LIMITS, TOOLS, type ToolId } from './tools';
import { clampRadius, useEditorShortcuts } from './useEditorShortcuts';
import { useRenderSession } from './useRenderSession';
import { useRoomSession } from './useRoomSession';

export interface EditorProps {
  room: string;
  /** Paintscape server (sync WebSocket), e.g. http://localhost:8787. */
  server: string;
  /** Model folder under /models/ for rendering on this device. */
  localModel: string;
}

const RENDER_MODE_KEY = 'paintscape.renderMode';

function savedRenderMode(): RenderMode {
  const saved = localStorage.getItem(RENDER_MODE_KEY);
  return saved === 'server' || saved === 'local' || saved === 'auto' ? saved : 'auto';
}

/** The room page: canvas, palette and tools, participants, render panel. */
export function Editor({ room: roomId, server, localModel }: EditorProps) {
  const [user, setUser] = useState<UserInfo | null>(null);
  const [mode, setMode] = useState<RenderMode>('auto');
  const [tool, setTool] = useState<ToolId>('brush');
  const [label, setLabel] = useState(0);
  const [radius, setRadius] = useState<number>(BRUSH_LIMITS.default);
  const [photoCanvas, setPhotoCanvas] = useState<HTMLCanvasElement | null>(null);

  useEffect(() => {
    setUser(loadIdentity());
    setMode(savedRenderMode());
    rememberRoom(roomId);
  }, [roomId]);

  const session = useRoomSession(server, roomId, user);
  const { room, ready } = session;
  const render = useRenderSession(room, ready, mode, `/models/${encodeURIComponent(localModel)}/`);

  const changeMode = useCallback((next: RenderMode) => {
    setMode(next);
    localStorage.setItem(RENDER_MODE_KEY, next);
  }, []);

  // Publish tool and label to peers.
  useEffect(() => {
    if (room && ready) room.setPresence({ tool: TOOLS.find((t) => t.id === tool)!.presence, label });
  }, [room, ready, tool, label]);

  const labelIndices = useMemo(() => (room && ready ? room.labels.classes.filter((c) => c.index >= 0).map((c) => c.index) : []), [room, ready]);
  const undo = useCallback(() => void room?.undo(), [room]);
  const redo = useCallback(() => void room?.redo(), [room]);
  const shortcuts = useMemo(
    () => ({ labelIndices, selectLabel: setLabel, selectTool: setTool, changeRadius: (d: number) => setRadius((r) => clampRadius(r + d)), undo, redo }),
    [labelIndices, undo, redo],
  );
  useEditorShortcuts(shortcuts);

  const downloadPhoto = useCallback(() => {
    photoCanvas?.toBlob((blob) => blob && downloadBlob(blob, `${roomId}-photo.png`), 'image/png');
  }, [photoCanvas, roomId]);

  return (
    <div className="editor">
      <header className="editor-header">
        <Link href="/" className="brand">Paintscape</Link>
        <h1 className="room-name">{roomId}</h1>
        <ConnectionBanner status={session.status} ready={ready} synced={session.synced} error={session.error} />
      </header>
      {room && ready && user ? (
        <div className="editor-body">
          <aside className="sidebar" aria-label="Labels and tools">
            <LabelPalette labels={room.labels} selected={label} onSelect={setLabel} />
            <Toolbar
              tool={tool}
              onTool={setTool}
              radius={radius}
              onRadius={(r) => setRadius(clampRadius(r))}
              canUndo={room.canUndo()}
              canRedo={room.canRedo()}
              onUndo={undo}
              onRedo={redo}
              onClear={() => room.clear()}
            />
            <MapFiles room={room} />
          </aside>
          <main className="workspace">
            <section className="canvas-panel" aria-label="Painting">
              <PaintCanvas room={room} tool={tool} label={label} radius={radius} peers={session.peers} mapVersion={session.mapVersion} />
            </section>
            <section className="render-panel" aria-label="Rendered photo">
              <RenderView image={render.image} last={render.last} busy={render.busy} renderCount={render.renderCount} room={room} mapVersion={session.mapVersion} onCanvas={setPhotoCanvas} />
              <RenderControls mode={mode} onMode={changeMode} render={render} onDownloadPhoto={downloadPhoto} />
            </section>
          </main>
          <aside className="sidebar right" aria-label="Room">
            <Participants self={user} selfTool={TOOLS.find((t) => t.id === tool)!.label} peers={session.peers} />
            <ShareLink room={roomId} />
          </aside>
        </div>
      ) : (
        <p className="page-message">{session.error && session.status === 'closed' ? session.error : 'Joining the room…'}</p>
      )}
    </div>
  );
}
