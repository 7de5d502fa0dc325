// Deterministic ids per sandbox: every id a sandbox hands out (record uuids, `customer_…` ids,
// request ids) comes from a generator seeded by the fixture seed and the sandbox's name, so a fresh
// sandbox that receives the same requests in the same order gives the same ids, on any machine.
// The counter of record ids is a record in the sandbox's `_sandbox/meta` collection, stored with
// the change that used it (so reset, snapshots and restarts carry it). Request ids, handed out on
// reads too, count in memory from the stored counter, and restart when the sandbox is reset.
import { hash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { META_API, META_COLLECTION } from './clock.js';
import type { Store } from './store.js';

const IDS_KEY = 'ids';

/** Where a handler or state class takes new ids from. */
export interface IdSource {
  /** A version 4 UUID (random-looking, from the sandbox's generator). */
  uuid(): string;
  /** `bytes` bytes as lowercase hex. */
  hex(bytes: number): string;
}

/** Random ids, for code that runs outside a sandbox's requests. */
export const randomIds: IdSource = {
  uuid: () => randomUUID(),
  hex: bytes => {
    let out = '';
    while (out.length < bytes * 2) out += randomUUID().replaceAll('-', '');
    return out.slice(0, bytes * 2);
  },
};

interface IdsRecord {
  next: number;
}

/** Request ids count per sandbox in memory; this many sandboxes are remembered. */
const MAX_COUNTED_SANDBOXES = 10_000;

export class SandboxIds {
  private readonly requests = new LRUCache<string, { base: number; seq: number }>({ max: MAX_COUNTED_SANDBOXES });

  constructor(private readonly store: Store) {}

  private meta(sandbox: string) {
    return this.store.sandbox(sandbox).api(META_API).collection<IdsRecord>(META_COLLECTION);
  }

  /** The ids of one sandbox: each one taken advances its stored counter. */
  source(sandbox: string): IdSource {
    /** The input of the next id's digest; advances the counter. */
    const take = (): string => {
      const meta = this.meta(sandbox);
      const n = meta.get(IDS_KEY)?.next ?? 0;
      void meta.put(IDS_KEY, { next: n + 1 });
      return this.input(sandbox, 'id', String(n));
    };
    return {
      // Digested straight to hex: the same digits as the digest's bytes in hex, without a Buffer.
      uuid: () => uuidOfHex(hash('sha256', take(), 'hex')),
      hex: bytes => hexOf(hash('sha256', take(), 'buffer'), bytes, more => this.bytes(sandbox, 'more', more)),
    };
  }

  /**
   * The id of the sandbox's next request: the n-th since its record-id counter last moved (or since
   * the sandbox was reset), so the same requests in the same order get the same ids. On a shared
   * store (a fleet), random.
   */
  requestId(sandbox: string): string {
    // The count is each server's own: servers sharing a store would repeat each other's ids.
    if (this.store.shared) return randomUUID();
    const base = this.meta(sandbox).get(IDS_KEY)?.next ?? 0;
    let count = this.requests.get(sandbox);
    if (!count || count.base !== base) {
      count = { base, seq: 0 };
      this.requests.set(sandbox, count);
    } else {
      count.seq++;
    }
    return uuidOfHex(hash('sha256', this.input(sandbox, 'request', `${base}.${count.seq}`), 'hex'));
  }

  /** Restarts the sandbox's request count (after a reset, delete or import). */
  forget(sandbox?: string): void {
    if (sandbox === undefined) this.requests.clear();
    else this.requests.delete(sandbox);
  }

  private bytes(sandbox: string, kind: string, n: string): Buffer {
    // One-shot hashing: the same SHA-256 as createHash().update().digest(), without a Hash object per id.
    return hash('sha256', this.input(sandbox, kind, n), 'buffer');
  }

  private input(sandbox: string, kind: string, n: string): string {
    return `${this.store.seed}\0${sandbox}\0${kind}\0${n}`;
  }
}

/**
 * The first 16 bytes of a digest (given as hex) as a version 4, variant 1 UUID: the version nibble
 * (hex digit 12) becomes 4, and the variant bits (the top two of hex digit 16) become 10.
 */
function uuidOfHex(hex: string): string {
  const variant = VARIANT_DIGITS[parseInt(hex[16], 16) & 0x3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
const VARIANT_DIGITS = ['8', '9', 'a', 'b'];

function hexOf(first: Buffer, bytes: number, more: (n: string) => Buffer): string {
  const head = first.toString('hex');
  let out = head;
  for (let i = 0; out.length < bytes * 2; i++) out += more(`${head}.${i}`).toString('hex');
  return out.slice(0, bytes * 2);
}
