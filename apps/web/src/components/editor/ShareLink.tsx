'use client';
import { useState } from 'react';

/** The room's link, with a copy button. */
export function ShareLink({ room }: { room: string }) {
  const [copied, setCopied] = useState(false);
  const link = typeof location !== 'undefined' ? `${location.origin}/room/${encodeURIComponent(room)}` : `/room/${room}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="share">
      <label htmlFor="share-link">Share link</label>
      <input id="share-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} data-testid="share-link" />
      <button type="button" onClick={copy}>{copied ? 'Copied' : 'Copy link'}</button>
    </div>
  );
}
