import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

// Random bytes are drawn 4 KiB at a time: a call to the generator for each id cost 5 µs, 0.1 s
// of reconciling a listing that adopts 10,000 instances (20,000 ids; docs/benchmarks.md §15).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function random16(): Buffer {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 16;
  return Buffer.from(pool.subarray(poolAt - 16, poolAt));
}

/**
 * A UUID version 7 (RFC 9562): time-ordered, so ids created together sit together in B-tree
 * indexes. Within one millisecond a counter in the random bits keeps ids from one process ordered.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = random16();
  if (now === lastMs) {
    counter = (counter + 1) & 0xfff;
  } else {
    lastMs = now;
    counter = bytes.readUInt16BE(6) & 0x7ff;
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
