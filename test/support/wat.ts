/**
 * Assembles WebAssembly text (WAT) into a binary module, with binaryen's text parser, for
 * hand-written canister fixtures that call `ic0` functions where the spec allows or forbids them.
 */
import binaryen from 'binaryen';

export function wat(text: string, options: { memory64?: boolean } = {}): Uint8Array {
  const module = binaryen.parseText(text);
  try {
    if (options.memory64) module.setFeatures(module.getFeatures() | binaryen.Features.Memory64);
    if (!module.validate()) throw new Error('invalid WAT fixture');
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}
