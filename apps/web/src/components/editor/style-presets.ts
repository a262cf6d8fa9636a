/**
 * Style presets: small reference images drawn here (no downloaded assets) and encoded to a
 * style vector by the model's encoder, like an uploaded photo would be.
 */
export interface StylePreset {
  id: string;
  name: string;
  /** Vertical gradient stops, top to bottom. */
  stops: readonly string[];
}

export const STYLE_PRESETS: readonly StylePreset[] = [
  { id: 'golden-hour', name: 'Golden hour', stops: ['#f6b36b', '#e9845a', '#7a5a3a'] },
  { id: 'overcast', name: 'Overcast', stops: ['#b9bec4', '#8e969c', '#59625a'] },
  { id: 'midday', name: 'Midday', stops: ['#5ea4f0', '#9fd0f5', '#4f8f3a'] },
  { id: 'dusk', name: 'Dusk', stops: ['#2a2f5c', '#7b4f82', '#1f2a2a'] },
];

export const STYLE_PRESET_SIZE = 64;

export function drawPreset(preset: StylePreset, size = STYLE_PRESET_SIZE): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  const gradient = ctx.createLinearGradient(0, 0, 0, size);
  preset.stops.forEach((stop, i) => gradient.addColorStop(i / (preset.stops.length - 1), stop));
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, size, size);
  return canvas;
}
