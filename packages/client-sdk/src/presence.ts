import type { Awareness } from 'y-protocols/awareness';
import type { UserInfo } from './options.js';

/** Drawing tools a peer can be holding (free-form strings are allowed for app-specific tools). */
export type ToolName = 'brush' | 'line' | 'rect' | 'polygon' | 'fill' | 'erase' | (string & {});

/** What each client publishes through Yjs awareness. */
export interface Presence {
  user: UserInfo;
  /** Pointer position in map pixels, or null when the pointer is outside the canvas. */
  cursor: { x: number; y: number } | null;
  tool: ToolName | null;
  /** Label index the user paints with. */
  label: number | null;
}

/** A remote peer's presence, keyed by its Yjs client id. */
export interface Peer extends Presence {
  clientId: number;
}

/**
 * Publishes the local presence at most once per `throttleMs`: the first change goes out at once,
 * later ones inside the window are merged and sent when it closes (so the last cursor position
 * always arrives).
 */
export class PresencePublisher {
  #pending: Partial<Presence> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastSent = -Infinity;

  constructor(
    private readonly awareness: Awareness,
    private readonly throttleMs: number,
    user: UserInfo,
  ) {
    const initial: Presence = { user: { ...user }, cursor: null, tool: null, label: null };
    awareness.setLocalState(initial);
  }

  get current(): Presence {
    return { ...(this.awareness.getLocalState() as Presence), ...this.#pending };
  }

  update(patch: Partial<Presence>): void {
    this.#pending = { ...this.#pending, ...patch };
    const wait = this.#lastSent + this.throttleMs - Date.now();
    if (wait <= 0 && this.#timer === null) this.flush();
    else if (this.#timer === null) this.#timer = setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Sends any merged change now. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending === null) return;
    const next = { ...(this.awareness.getLocalState() as Presence), ...this.#pending };
    this.#pending = null;
    this.#lastSent = Date.now();
    this.awareness.setLocalState(next);
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** Remote peers' presences (the local client excluded, malformed states skipped). */
export function readPeers(awareness: Awareness): Map<number, Peer> {
  const peers = new Map<number, Peer>();
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const presence = state as Partial<Presence>;
    if (typeof presence?.user?.name !== 'string') continue;
    peers.set(clientId, {
      clientId,
      user: { name: presence.user.name, color: String(presence.user.color ?? '') },
      cursor: presence.cursor && Number.isFinite(presence.cursor.x) && Number.isFinite(presence.cursor.y) ? { x: presence.cursor.x, y: presence.cursor.y } : null,
      tool: typeof presence.tool === 'string' ? presence.tool : null,
      label: Number.isInteger(presence.label) ? (presence.label as number) : null,
    });
  }
  return peers;
}
