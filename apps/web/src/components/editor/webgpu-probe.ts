/** What this browser offers for WebGPU, probed once per page. */
export interface WebGpuProbe {
  available: boolean;
  /** A CPU-emulated adapter (e.g. SwiftShader): works, but far slower than the server. */
  software: boolean;
  description: string;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

let probe: Promise<WebGpuProbe> | null = null;

export function probeWebGpu(): Promise<WebGpuProbe> {
  probe ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null> } }).gpu;
    if (!gpu) return { available: false, software: false, description: 'this browser has no WebGPU' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { available: false, software: false, description: 'no WebGPU adapter' };
      const info = adapter.info ?? {};
      const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(`${info.architecture ?? ''} ${info.description ?? ''} ${info.vendor ?? ''}`);
      const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'WebGPU adapter';
      return { available: true, software, description: software ? `${name} (CPU-emulated)` : name };
    } catch (error) {
      return { available: false, software: false, description: `WebGPU failed: ${String(error)}` };
    }
  })();
  return probe;
}
