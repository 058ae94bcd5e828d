import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Brotli at quality 5: the console's 1.5 MB of JavaScript in 40 ms of CPU on the test machine, to
 * 25 %; quality 11 saves another 9 % for 1.9 s, which a first visitor's log-in waited behind (the
 * password check shares libuv's thread pool). Gzip at 6 is as small as at 9 here, and faster.
 */
const compressors = {
  br: (bytes: Buffer) => promisify(brotliCompress)(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
  gzip: (bytes: Buffer) => promisify(gzip)(bytes, { level: 6 }),
};
export type Encoding = keyof typeof compressors;

/** Text formats worth compressing; images and fonts are compressed already. */
const compressible = new Set(['.js', '.mjs', '.css', '.json', '.webmanifest', '.map', '.txt', '.svg', '.html']);

/** Below this a compressed answer saves less than its headers cost. */
const MIN_BYTES = 1024;

/** The encoding to answer with for an Accept-Encoding header: brotli, else gzip, else none. */
export function chosenEncoding(acceptEncoding: string | string[] | undefined): Encoding | null {
  const offered = new Map<string, number>();
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name, ...parameters] = part.trim().toLowerCase().split(';');
    const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) offered.set(name, q === undefined ? 1 : Number(q));
  }
  for (const encoding of ['br', 'gzip'] as const) if ((offered.get(encoding) ?? offered.get('*') ?? 0) > 0) return encoding;
  return null;
}

/**
 * The console's files compressed once per version and kept in memory: a cold browser fetches
 * about 700 kB of JavaScript at first, a sixth of that compressed, and compressing each answer
 * anew would cost more CPU than serving it. Keyed by file and ETag, so a new build is compressed
 * again; bounded, dropping the oldest entry, since a long-running server may see many builds.
 */
export class CompressedFiles {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(private readonly maxEntries = 256) {}

  /** Whether a file of this name and size is served compressed. */
  worthCompressing(file: string, size: number): boolean {
    return size >= MIN_BYTES && compressible.has(path.extname(file).toLowerCase());
  }

  get(file: string, etag: string, encoding: Encoding): Promise<Buffer> {
    const key = `${encoding} ${etag} ${file}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = readFile(file).then((bytes) => compressors[encoding](bytes));
      // A failed read is not kept: the next request tries again.
      entry.catch(() => this.cache.delete(key));
      this.cache.set(key, entry);
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return entry;
  }
}
