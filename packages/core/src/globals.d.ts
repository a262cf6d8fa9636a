// Minimal declarations for the few web-platform globals core uses. Node ≥ 20 and every
// browser provide them; the build's lib is plain ES2022, so they are declared here.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    decode(input?: ArrayBufferView | ArrayBuffer): string;
  }
}
export {};
