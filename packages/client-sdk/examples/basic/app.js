// Basic embedding of @paintscape/client-sdk: join a room, paint with the mouse, show renders.
// Options come from the query string, e.g.
//   index.html?server=http://localhost:8787&room=demo&mode=auto&model=/models/landscape/&seed=1
import { connect, createRenderer } from '../../dist/browser/paintscape.js';

const query = new URLSearchParams(location.search);
const serverUrl = query.get('server') ?? 'http://localhost:8787';
const roomName = query.get('room') ?? 'example';
const mode = query.get('mode') ?? 'auto';
const model = query.get('model') ?? undefined; // a model folder URL, for local rendering
const seed = Number(query.get('seed') ?? '0');
const $ = (id) => document.getElementById(id);

const room = connect({
  server: serverUrl,
  room: roomName,
  user: { name: query.get('name') ?? `guest-${Math.floor(Math.random() * 1000)}`, color: '#e0457b' },
});
const renderer = createRenderer(room, {
  mode,
  model,
  seed,
  debounceMs: Number(query.get('debounce') ?? '120'),
  // onnxruntime-web's runtime files, copied next to the bundle by the bundle script.
  wasmPaths: new URL('../../dist/browser/ort/', import.meta.url).href,
});

// Exposed for tests and for poking around in the console.
const example = { room, renderer, renders: [], errors: [], lastPixels: null };
window.paintscapeExample = example;

const showError = (error) => {
  example.errors.push({ code: error.code, message: error.message });
  $('error').textContent = `${error.code}: ${error.message}`;
};
room.on('error', showError);
renderer.on('error', showError);
room.on('status', ({ status, synced, reconnects }) => {
  $('status').textContent = `${status}${synced ? ' (synced)' : ''}${reconnects ? `, ${reconnects} reconnects` : ''}`;
});
room.on('peers', (peers) => {
  $('peers').textContent = String(peers.size);
});

// ---- renders -----------------------------------------------------------------------------
const renderCanvas = $('render');
renderer.on('render', ({ image, width, height, mapVersion, backend, ms, fallbacks }) => {
  renderCanvas.width = width;
  renderCanvas.height = height;
  const context = renderCanvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  image.close();
  example.lastPixels = context.getImageData(0, 0, width, height).data;
  example.renders.push({ mapVersion, backend, ms, width, height, fallbacks: fallbacks.map((f) => f.backend) });
  $('render-info').textContent = `v${mapVersion} by ${backend} in ${Math.round(ms)} ms`;
});

// ---- the map -----------------------------------------------------------------------------
const mapCanvas = $('map');
const mapContext = mapCanvas.getContext('2d');
let palette = [];
let currentLabel = 0;

function drawMap() {
  const { width, height, data } = room.map;
  if (mapCanvas.width !== width) mapCanvas.width = width;
  if (mapCanvas.height !== height) mapCanvas.height = height;
  const pixels = mapContext.createImageData(width, height);
  for (let i = 0; i < data.length; i++) {
    const rgb = palette[data[i]] ?? [0, 0, 0];
    pixels.data.set(rgb, i * 4);
    pixels.data[i * 4 + 3] = 255;
  }
  mapContext.putImageData(pixels, 0, 0);
}

function chooseLabel(index) {
  currentLabel = index;
  for (const button of $('labels').children) button.classList.toggle('active', Number(button.dataset.label) === index);
  room.setPresence({ label: index, tool: 'brush' });
}

room.whenReady().then(() => {
  for (const labelClass of room.labels.classes) {
    if (labelClass.index < 0) continue;
    palette[labelClass.index] = labelClass.color;
    const button = document.createElement('button');
    button.textContent = labelClass.displayName;
    button.dataset.label = String(labelClass.index);
    button.style.background = `rgb(${labelClass.color.join(',')})`;
    button.onclick = () => chooseLabel(labelClass.index);
    $('labels').append(button);
  }
  chooseLabel(room.labels.classes[0]?.index ?? 0);
  drawMap();
  room.on('change', drawMap);
}, showError);

// Pointer → live stroke: points stream to peers once per animation frame while the button is down.
let stroke = null;
const toMap = (event) => {
  const box = mapCanvas.getBoundingClientRect();
  return { x: ((event.clientX - box.left) / box.width) * mapCanvas.width, y: ((event.clientY - box.top) / box.height) * mapCanvas.height };
};
mapCanvas.addEventListener('pointerdown', (event) => {
  mapCanvas.setPointerCapture(event.pointerId);
  stroke = room.beginStroke({ label: currentLabel, radius: Number($('radius').value) });
  stroke.extend([toMap(event)]);
});
mapCanvas.addEventListener('pointermove', (event) => {
  const point = toMap(event);
  room.setPresence({ cursor: point });
  stroke?.extend([point]);
});
const endStroke = () => {
  stroke?.end();
  stroke = null;
};
mapCanvas.addEventListener('pointerup', endStroke);
mapCanvas.addEventListener('pointercancel', endStroke);
mapCanvas.addEventListener('pointerleave', () => room.setPresence({ cursor: null }));

$('undo').onclick = () => room.undo();
$('redo').onclick = () => room.redo();
$('shuffle').onclick = () => renderer.shuffle();
