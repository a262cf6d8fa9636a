/**
 * Execution-provider choice for onnxruntime-node. `auto` tries CUDA, then WebGPU, then CPU
 * and records why each earlier one was not used.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { DeviceChoice } from '../config.js';

export type Device = 'cpu' | 'cuda' | 'webgpu';

export interface DeviceAttempt {
  device: Device;
  ok: boolean;
  reason?: string;
}

export interface SessionOnDevice {
  session: ort.InferenceSession;
  device: Device;
  attempts: DeviceAttempt[];
}

/**
 * Whether a hardware GPU is visible to the process. Without one, onnxruntime's WebGPU runs
 * on SwiftShader (Vulkan on the CPU), which is ~100× slower than the CPU provider here.
 */
export function hardwareGpuVisible(): { visible: boolean; reason: string } {
  const icd = process.env['VK_ICD_FILENAMES'] ?? '';
  if (icd.includes('swiftshader')) return { visible: false, reason: 'VK_ICD_FILENAMES selects SwiftShader (software Vulkan)' };
  if (existsSync('/dev/nvidia0')) return { visible: true, reason: '/dev/nvidia0 present' };
  try {
    if (readdirSync('/dev/dri').some((name) => name.startsWith('renderD'))) return { visible: true, reason: '/dev/dri render node present' };
  } catch {
    // no /dev/dri
  }
  return { visible: false, reason: 'no hardware GPU adapter (/dev/nvidia0 or /dev/dri/renderD*)' };
}

function sessionOptions(device: Device): ort.InferenceSession.SessionOptions {
  switch (device) {
    case 'cuda':
      return { executionProviders: [{ name: 'cuda' }], graphOptimizationLevel: 'all' };
    case 'webgpu':
      // 'basic': the fused Conv+Tanh shader of level 'all' yields NaN where the output
      // saturates (see shared notes webgpu-here.md).
      return { executionProviders: [{ name: 'webgpu' }], graphOptimizationLevel: 'basic' };
    case 'cpu':
      return { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };
  }
}

/**
 * Creates a session for `modelPath` on the chosen device. An explicit device that fails
 * throws; `auto` falls back and returns every attempt with its reason.
 */
export async function createSession(modelPath: string | Uint8Array, choice: DeviceChoice): Promise<SessionOnDevice> {
  const attempts: DeviceAttempt[] = [];
  const order: Device[] = choice === 'auto' ? ['cuda', 'webgpu', 'cpu'] : [choice];
  for (const device of order) {
    if (choice === 'auto' && device === 'cuda') {
      const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda');
      if (!cuda) {
        attempts.push({ device, ok: false, reason: 'this onnxruntime-node build has no CUDA backend' });
        continue;
      }
      if (!existsSync('/dev/nvidia0')) {
        attempts.push({ device, ok: false, reason: 'no NVIDIA device (/dev/nvidia0)' });
        continue;
      }
    }
    if (choice === 'auto' && device === 'webgpu') {
      const gpu = hardwareGpuVisible();
      if (!gpu.visible) {
        attempts.push({ device, ok: false, reason: `skipped: ${gpu.reason}` });
        continue;
      }
    }
    try {
      const options = sessionOptions(device);
      const session = typeof modelPath === 'string'
        ? await ort.InferenceSession.create(modelPath, options)
        : await ort.InferenceSession.create(modelPath, options);
      attempts.push({ device, ok: true });
      return { session, device, attempts };
    } catch (error) {
      attempts.push({ device, ok: false, reason: (error as Error).message.split('\n')[0]!.slice(0, 300) });
      if (choice !== 'auto') {
        throw new Error(`device ${device} unavailable: ${attempts.at(-1)!.reason}`);
      }
    }
  }
  throw new Error(`no execution provider worked: ${attempts.map((a) => `${a.device}: ${a.reason}`).join('; ')}`);
}
