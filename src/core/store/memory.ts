// `--in-memory`: nothing is written; a change is "durable" as soon as it is in memory.
import type { BackendContext } from '../store.js';
import type { StoreBackend } from './backend.js';

export async function memoryBackend(context: BackendContext): Promise<{ backend: StoreBackend; seed: number }> {
  const backend: StoreBackend = {
    kind: 'memory',
    prepare: () => undefined,
    commit: () => Promise.resolve(),
    touch: () => undefined,
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { backend, seed: context.seed ?? context.defaultSeed };
}
