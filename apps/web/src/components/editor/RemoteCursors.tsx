import type { Peer } from '@paintscape/client-sdk';
import type { LabelSet } from '@paintscape/core';

export interface RemoteCursorsProps {
  peers: Peer[];
  toScreen: (x: number, y: number) => { x: number; y: number };
  labels: LabelSet;
}

/** Other participants' pointers over the canvas, with their name and current tool. */
export function RemoteCursors({ peers, toScreen, labels }: RemoteCursorsProps) {
  return (
    <div className="remote-cursors" aria-hidden="true">
      {peers.map((peer) => {
        const at = toScreen(peer.cursor!.x, peer.cursor!.y);
        const labelName = labels.classes.find((c) => c.index === peer.label)?.displayName;
        return (
          <div key={peer.clientId} className="remote-cursor" data-testid="remote-cursor" style={{ transform: `translate(${at.x}px, ${at.y}px)`, color: peer.user.color }}>
            <svg width="14" height="14" viewBox="0 0 14 14">
              <path d="M0 0 L14 5 L6 7 L4 14 Z" fill="currentColor" stroke="white" strokeWidth="1" />
            </svg>
            <span style={{ background: peer.user.color }}>
              {peer.user.name}
              {peer.tool ? ` · ${peer.tool}` : ''}
              {labelName && peer.tool !== 'erase' ? ` · ${labelName}` : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
}
