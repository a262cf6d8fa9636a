/**
 * One sync room as a state machine without sockets: peers join, send raw y-websocket
 * messages, and leave; the room answers through a `RoomTransport`. Every accepted document
 * change is appended to the store (durable) before it is sent to any other peer.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { CommitBatcher } from '../persistence/commit-batcher.js';
import type { RoomStore } from '../persistence/store.js';
import { CloseCode, MessageTag } from './protocol.js';
import { TokenBucket } from './rate-limiter.js';

export interface RoomTransport {
  send(peerId: number, data: Uint8Array): void;
  close(peerId: number, code: number, reason: string): void;
}

export interface PeerInfo {
  id: number;
  canWrite: boolean;
  /** Receives tag-100 render messages (default; `?renders=0` opts out, e.g. for stock clients that log unknown tags). */
  wantsRenders: boolean;
}

export interface RoomLimits {
  updatesPerSecond: number;
  updateBurst: number;
  /** Refuses a decoded update (returns why) before it is applied; the peer is closed with 4413. */
  validateUpdate?: (update: ReturnType<typeof Y.decodeUpdate>) => string | null;
}

export interface RoomCounters {
  acceptedUpdates: number;
  rejectedMessages: number;
  unknownMessages: number;
}

interface PeerState extends PeerInfo {
  bucket: TokenBucket;
  /** Awareness client ids announced by this peer (removed when it leaves). */
  awarenessIds: Set<number>;
  closed: boolean;
}

/** Origin marker for changes the server makes itself (e.g. paint-log compaction). */
export const SERVER_ORIGIN = Symbol('paintscape-server');

export class SyncRoom {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly counters: RoomCounters = { acceptedUpdates: 0, rejectedMessages: 0, unknownMessages: 0 };
  /** Id of the last update appended to the store. */
  lastUpdateId = 0;
  /** Updates appended since the last snapshot. */
  updatesSinceSnapshot = 0;
  /** Increases with every accepted document change. */
  version = 0;
  private readonly peers = new Map<number, PeerState>();
  private readonly changeListeners: Array<(origin: unknown) => void> = [];
  private readonly joinListeners: Array<(peerId: number) => void> = [];
  private failed = false;
  failureReason: string | null = null;

  constructor(
    readonly name: string,
    store: RoomStore,
    private readonly commits: CommitBatcher,
    private readonly transport: RoomTransport,
    private readonly limits: RoomLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.doc = new Y.Doc({ gc: true });
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    // Load before any peer can be answered: no empty-document race.
    const stored = store.load(name);
    Y.transact(this.doc, () => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    }, 'load');
    this.lastUpdateId = stored.lastUpdateId;
    this.updatesSinceSnapshot = stored.updates.length;
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** True after persistence failed: the in-memory doc may hold non-durable state. */
  get isFailed(): boolean {
    return this.failed;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  peerIds(): number[] {
    return [...this.peers.keys()];
  }

  /** Called after every accepted document change (after persistence and broadcast). */
  onChange(listener: (origin: unknown) => void): void {
    this.changeListeners.push(listener);
  }

  /** Called after a peer joined and was greeted (e.g. to send it the latest render). */
  onJoin(listener: (peerId: number) => void): void {
    this.joinListeners.push(listener);
  }

  /** Sends `data` to one peer if it asked for render messages. */
  sendRender(peerId: number, data: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (peer?.wantsRenders && !peer.closed) this.transport.send(peerId, data);
  }

  join(info: PeerInfo): void {
    this.peers.set(info.id, {
      ...info,
      bucket: new TokenBucket(this.limits.updatesPerSecond, this.limits.updateBurst, this.now),
      awarenessIds: new Set(),
      closed: false,
    });
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MessageTag.Sync);
    syncProtocol.writeSyncStep1(step1, this.doc);
    this.transport.send(info.id, encoding.toUint8Array(step1));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      this.transport.send(info.id, this.awarenessMessage([...states.keys()]));
    }
    for (const listener of this.joinListeners) listener(info.id);
  }

  leave(peerId: number): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.closed = true;
    this.peers.delete(peerId);
    if (peer.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null);
    }
  }

  /** Handles one raw message from a peer. Never throws: bad input closes that peer only. */
  receive(peerId: number, raw: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (!peer || peer.closed) return;
    // Own copy: a socket buffer may be a view into a larger pooled ArrayBuffer, and lib0
    // bounds checks are against the underlying buffer.
    const data = new Uint8Array(raw);
    try {
      const decoder = decoding.createDecoder(data);
      const tag = decoding.readVarUint(decoder);
      switch (tag) {
        case MessageTag.Sync:
          this.handleSync(peer, decoder);
          break;
        case MessageTag.Awareness: {
          const update = decoding.readVarUint8Array(decoder);
          awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
          break;
        }
        case MessageTag.QueryAwareness:
          this.transport.send(peer.id, this.awarenessMessage([...this.awareness.getStates().keys()]));
          break;
        case MessageTag.Auth:
          // Clients never need to send auth messages; ignored.
          break;
        default:
          this.counters.unknownMessages++;
      }
    } catch (error) {
      if (this.failed) return;
      this.counters.rejectedMessages++;
      this.closePeer(peer, CloseCode.MalformedMessage, `malformed message: ${(error as Error).message}`.slice(0, 120));
    }
  }

  /** Sends `data` to every peer that asked for render messages. */
  broadcastRender(data: Uint8Array): number {
    let sent = 0;
    for (const peer of this.peers.values()) {
      if (peer.wantsRenders && !peer.closed) {
        this.transport.send(peer.id, data);
        sent++;
      }
    }
    return sent;
  }

  /** Closes every peer (shutdown / unload). */
  closeAll(code: number, reason: string): void {
    for (const peer of [...this.peers.values()]) this.closePeer(peer, code, reason);
  }

  /** Releases the document; the room must have no peers. */
  destroy(): void {
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private handleSync(peer: PeerState, decoder: decoding.Decoder): void {
    const kind = decoding.readVarUint(decoder);
    switch (kind) {
      case syncProtocol.messageYjsSyncStep1: {
        const stateVector = decoding.readVarUint8Array(decoder);
        Y.decodeStateVector(stateVector); // validates; throws on malformed input
        // Whatever the reply contains must be durable first.
        this.commits.flush();
        if (this.failed) return;
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageTag.Sync);
        syncProtocol.writeSyncStep2(reply, this.doc, stateVector);
        this.transport.send(peer.id, encoding.toUint8Array(reply));
        return;
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        // Decode fully before touching the document: truncated or garbage updates throw here.
        const decoded = Y.decodeUpdate(update);
        const isEmpty = decoded.structs.length === 0 && decoded.ds.clients.size === 0;
        if (isEmpty) return;
        if (!peer.canWrite) {
          this.closePeer(peer, CloseCode.Forbidden, 'read-only access: updates are not allowed');
          return;
        }
        const refusal = this.limits.validateUpdate?.(decoded) ?? null;
        if (refusal !== null) {
          this.counters.rejectedMessages++;
          this.closePeer(peer, CloseCode.PayloadTooLarge, refusal);
          return;
        }
        if (!peer.bucket.take()) {
          this.counters.rejectedMessages++;
          this.closePeer(peer, CloseCode.RateLimited, 'update rate limit exceeded');
          return;
        }
        Y.applyUpdate(this.doc, update, peer);
        return;
      }
      default:
        throw new Error(`unknown sync message type ${kind}`);
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === 'load' || this.failed) return;
    this.commits.enqueue(
      this.name,
      update,
      (id) => this.announce(update, origin, id),
      (error) => this.fail(error),
    );
  };

  /** Runs once `update` is durable: only now do other peers hear about it. */
  private announce(update: Uint8Array, origin: unknown, id: number): void {
    if (this.failed) return;
    this.lastUpdateId = id;
    this.updatesSinceSnapshot++;
    this.version++;
    this.counters.acceptedUpdates++;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageTag.Sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const peer of this.peers.values()) {
      if (peer !== origin && !peer.closed) this.transport.send(peer.id, message);
    }
    for (const listener of this.changeListeners) listener(origin);
  }

  /** Persistence failed: nobody may see the non-durable state; every peer is closed. */
  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failureReason = String(error);
    this.closeAll(CloseCode.InternalError, 'persistence failed');
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (origin && typeof origin === 'object' && this.isPeer(origin)) {
      for (const id of added) origin.awarenessIds.add(id);
      for (const id of removed) origin.awarenessIds.delete(id);
    }
    const message = this.awarenessMessage(changed);
    for (const peer of this.peers.values()) {
      if (peer !== origin && !peer.closed) this.transport.send(peer.id, message);
    }
  };

  private isPeer(value: object): value is PeerState {
    const id = (value as Partial<PeerState>).id;
    return typeof id === 'number' && this.peers.get(id) === value;
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageTag.Awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  private closePeer(peer: PeerState, code: number, reason: string): void {
    if (peer.closed) return;
    this.leave(peer.id);
    this.transport.close(peer.id, code, reason);
  }
}
