// A bot that paints a small landscape and saves the server's render.
//   PAINTSCAPE_SERVER=http://localhost:8787 node paint-bot.mjs [room] [out.png]
import WebSocket from 'ws';
import { writeFileSync } from 'node:fs';
import { connect, createRenderer } from '@paintscape/client-sdk';

const server = process.env.PAINTSCAPE_SERVER ?? 'http://localhost:8787';
const [roomName = 'demo', out = 'render.png'] = process.argv.slice(2);

const room = connect({ server, room: roomName, user: { name: 'bot', color: '#3366ff' }, WebSocket });
room.on('error', (error) => console.error(`${error.code}: ${error.message}`));
await room.whenReady();

const SKY = 0, MOUNTAIN = 2, WATER = 6, GRASS = 7;
const { width, height } = room.map;
room.clear(SKY);
room.polygon([[0, height * 0.6], [width * 0.3, height * 0.25], [width * 0.6, height * 0.6]], { label: MOUNTAIN });
room.rect(0, height * 0.6, width - 1, height - 1, { label: GRASS });
const river = room.beginStroke({ label: WATER, radius: Math.max(2, Math.round(width / 24)) }); // radii are integers
for (let x = 0; x < width; x += 8) river.extend([[x, height * 0.8 + Math.round(6 * Math.sin(x / 20))]]);
river.end();

const renderer = createRenderer(room, { mode: 'server', seed: 42 });
const { image, mapVersion, backend, ms } = await renderer.next(room.mapVersion);
writeFileSync(out, image.png);
console.log(`map v${mapVersion} rendered by ${backend} in ${Math.round(ms)} ms → ${out}`);
renderer.dispose();
room.destroy();
