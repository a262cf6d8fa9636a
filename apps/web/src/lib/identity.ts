import type { UserInfo } from '@paintscape/client-sdk';

/** This browser's painter name and cursor colour, kept in localStorage. */
export const IDENTITY_KEY = 'paintscape.identity';
const NAMES = ['Heron', 'Lynx', 'Marten', 'Osprey', 'Puffin', 'Raven', 'Stoat', 'Tern', 'Vole', 'Wren'];
const COLORS = ['#e0457b', '#f08c2e', '#2ea8f0', '#8e5cf0', '#1fb58f', '#d63a3a', '#c9a227', '#4a6cf7'];

export function loadIdentity(storage: Storage = localStorage): UserInfo {
  try {
    const saved = JSON.parse(storage.getItem(IDENTITY_KEY) ?? 'null') as Partial<UserInfo> | null;
    if (saved && typeof saved.name === 'string' && saved.name && typeof saved.color === 'string' && saved.color) return { name: saved.name, color: saved.color };
  } catch {
    // fall through to a new identity
  }
  const identity = {
    name: `${NAMES[Math.floor(Math.random() * NAMES.length)]} ${Math.floor(Math.random() * 90) + 10}`,
    color: COLORS[Math.floor(Math.random() * COLORS.length)]!,
  };
  saveIdentity(identity, storage);
  return identity;
}

export function saveIdentity(identity: UserInfo, storage: Storage = localStorage): void {
  try {
    storage.setItem(IDENTITY_KEY, JSON.stringify(identity));
  } catch {
    // not persisted: the identity still works for this visit
  }
}
