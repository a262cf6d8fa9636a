import type { Peer, UserInfo } from '@paintscape/client-sdk';

export interface ParticipantsProps {
  self: UserInfo;
  selfTool: string;
  peers: ReadonlyMap<number, Peer>;
}

/** Everyone in the room: name, cursor colour and current tool (this user first). */
export function Participants({ self, selfTool, peers }: ParticipantsProps) {
  const others = [...peers.values()].sort((a, b) => a.user.name.localeCompare(b.user.name));
  return (
    <section className="panel" aria-labelledby="participants-heading">
      <h2 id="participants-heading">In this room ({others.length + 1})</h2>
      <ul className="participants">
        <li data-testid="participant" data-self="true">
          <span className="dot" style={{ background: self.color }} aria-hidden="true" />
          {self.name} <em>(you)</em> <span className="muted">{selfTool}</span>
        </li>
        {others.map((p) => (
          <li key={p.clientId} data-testid="participant">
            <span className="dot" style={{ background: p.user.color }} aria-hidden="true" />
            {p.user.name} <span className="muted">{p.tool ?? 'idle'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
