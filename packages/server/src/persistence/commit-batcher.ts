/**
 * Group commit: document updates accepted during one event-loop turn are written in one
 * store transaction (one fsync), and only then is each announced (`onDurable`). `flush()`
 * can be called synchronously whenever state is about to leave the process (e.g. before a
 * sync-step-2 reply), so nothing non-durable is ever sent.
 */
import type { RoomStore } from './store.js';

interface PendingCommit {
  room: string;
  update: Uint8Array;
  onDurable: (id: number) => void;
  onFailed: (error: unknown) => void;
}

export class CommitBatcher {
  private pending: PendingCommit[] = [];
  private scheduled = false;
  /** Commits and updates written (for metrics/benchmarks). */
  readonly stats = { commits: 0, updates: 0 };

  constructor(private readonly store: RoomStore) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  enqueue(room: string, update: Uint8Array, onDurable: (id: number) => void, onFailed: (error: unknown) => void): void {
    this.pending.push({ room, update, onDurable, onFailed });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let ids: number[];
    try {
      ids = this.store.appendMany(batch.map((p) => ({ room: p.room, update: p.update })));
    } catch (error) {
      for (const p of batch) p.onFailed(error);
      return;
    }
    this.stats.commits++;
    this.stats.updates += batch.length;
    batch.forEach((p, i) => p.onDurable(ids[i]!));
  }
}
