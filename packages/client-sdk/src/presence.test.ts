import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { PresencePublisher, readPeers, type Presence } from './presence.js';

describe('PresencePublisher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once and merges the rest of the window into one trailing update', () => {
    const awareness = new Awareness(new Y.Doc());
    const publisher = new PresencePublisher(awareness, 100, { name: 'Ada', color: '#f00' });
    let sent = 0;
    awareness.on('change', () => sent++);
    for (let i = 0; i < 50; i++) publisher.update({ cursor: { x: i, y: i } });
    expect(sent).toBe(1);
    publisher.update({ tool: 'fill' });
    vi.advanceTimersByTime(100);
    expect(sent).toBe(2);
    expect(awareness.getLocalState()).toMatchObject({ user: { name: 'Ada', color: '#f00' }, cursor: { x: 49, y: 49 }, tool: 'fill' } satisfies Partial<Presence>);
    vi.advanceTimersByTime(1000);
    expect(sent).toBe(2);
    publisher.dispose();
  });

  it('reads peers, skipping malformed states and the local client', () => {
    const a = new Awareness(new Y.Doc());
    a.setLocalState({ user: { name: 'me', color: '#000' } });
    a.states.set(101, { user: { name: 'Bo', color: '#0f0' }, cursor: { x: 1, y: 2 }, tool: 'brush', label: 3 });
    a.states.set(102, { nonsense: true });
    a.states.set(103, { user: { name: 'Cy', color: '#00f' }, cursor: { x: 'NaN' }, label: 1.5 });
    const peers = readPeers(a);
    expect([...peers.keys()]).toEqual([101, 103]);
    expect(peers.get(101)).toEqual({ clientId: 101, user: { name: 'Bo', color: '#0f0' }, cursor: { x: 1, y: 2 }, tool: 'brush', label: 3 });
    expect(peers.get(103)).toMatchObject({ cursor: null, label: null, tool: null });
  });
});
