import type { ConnectionStatus } from '@paintscape/client-sdk';

export interface ConnectionBannerProps {
  status: ConnectionStatus;
  ready: boolean;
  synced: boolean;
  error: string | null;
}

/** Connecting / offline / closed notices; painting continues offline and syncs on reconnect. */
export function ConnectionBanner({ status, ready, synced, error }: ConnectionBannerProps) {
  let text: string | null = null;
  let kind = 'info';
  if (status === 'closed') {
    text = `The server closed this room${error ? `: ${error}` : ''}.`;
    kind = 'error';
  } else if (!ready) {
    text = status === 'disconnected' ? 'Cannot reach the Paintscape server yet — retrying…' : 'Connecting to the room…';
  } else if (status !== 'connected') {
    text = 'Offline: keep painting, your strokes sync when the connection is back.';
    kind = 'warning';
  } else if (!synced) {
    text = 'Reconnected, syncing…';
  }
  return (
    <div className={`connection ${kind}`} role="status" data-testid="connection-status" data-status={ready ? status : 'connecting'}>
      {text ?? <span className="muted">Connected · live</span>}
    </div>
  );
}
