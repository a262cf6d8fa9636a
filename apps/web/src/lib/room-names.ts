/** Readable random room ids like `misty-otter-42` (valid room names: [A-Za-z0-9._-]). */
const ADJECTIVES = ['amber', 'bright', 'calm', 'dewy', 'early', 'foggy', 'golden', 'hazy', 'icy', 'jade', 'lush', 'misty', 'quiet', 'rosy', 'sunny', 'wild'];
const NOUNS = ['brook', 'canyon', 'dune', 'fjord', 'glade', 'harbor', 'lagoon', 'meadow', 'otter', 'peak', 'ridge', 'river', 'summit', 'valley', 'willow', 'heron'];

/** Room names the app accepts (same alphabet as the SDK, shorter). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!;
}

export function randomRoomId(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)}-${pick(NOUNS, random)}-${Math.floor(random() * 90) + 10}`;
}

/** Accepts a room id or a pasted share link (…/room/<id>); returns the id or null. */
export function parseRoomInput(input: string): string | null {
  const trimmed = input.trim();
  const fromLink = /\/room\/([^/?#]+)/.exec(trimmed);
  const candidate = fromLink ? decodeURIComponent(fromLink[1]!) : trimmed;
  return ROOM_ID_PATTERN.test(candidate) ? candidate : null;
}
