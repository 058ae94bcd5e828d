// Values that tend to break parsers and validators, and a seeded generator to pick them
// (test/api/fuzz.test.ts, test/compat/fuzz.test.ts).

/** mulberry32: small, fast and good enough to pick mutations. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    bool: (p = 0.5) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
export type Rng = ReturnType<typeof prng>;

/** Strings that tend to break things: the NUL character, lone surrogates, control characters, RTL. */
export const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(10),
  '\u202eevil',
  'e\u0301\u0301\u0301',
  '\r\n\t\u0007\u001b[31m',
  "'; DROP TABLE users; --",
  '%s%n%x',
  '${process.exit()}',
  '../../etc/passwd',
  'constructor',
  '__proto__',
  'fuzz-base',
  'FUZZ-VICTIM',
  'null',
  '1e309',
  'ｆｕｌｌｗｉｄｔｈ',
  '\ufeffbom',
  'a'.repeat(65),
  'b'.repeat(129),
];

/** Raw JSON number texts, written into the body as they are (JSON.stringify would normalise them). */
export const nastyNumbers = ['1e309', '-1e309', '1e-400', '-0', '0.0000000000000000000001', '123456789012345678901234567890', '9007199254740993', '1.5', '-1', '0', '1E2', '2e+3'];

export function randomString(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(nastyStrings);
    case 1:
      return 'x'.repeat(rng.pick([1000, 10_000, 100_000, 500_000]));
    case 2: {
      let s = '';
      const length = rng.int(40);
      for (let i = 0; i < length; i++) s += String.fromCharCode(rng.int(0x10000));
      return s;
    }
    case 3: {
      let s = '';
      const length = 1 + rng.int(20);
      for (let i = 0; i < length; i++) s += String.fromCharCode(0x20 + rng.int(0x5f));
      return s;
    }
    default:
      return rng.pick(nastyStrings) + rng.pick(nastyStrings);
  }
}

/** Deeply nested arrays or objects, as raw JSON text. */
export function deepJson(rng: Rng): string {
  const depth = rng.pick([10, 100, 1000, 10_000, 100_000]);
  return rng.bool() ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A random JSON value as raw text. */
export function randomJson(rng: Rng, depth = 0): string {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0:
      return 'null';
    case 1:
      return rng.bool() ? 'true' : 'false';
    case 2:
      return rng.pick(nastyNumbers);
    case 3:
      return String(rng.int(2 ** 31) - 2 ** 30);
    case 4:
    case 5:
      return JSON.stringify(randomString(rng));
    case 6:
      return `[${Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1)).join(',')}]`;
    case 7:
      return `{${Array.from({ length: rng.int(4) }, () => `${JSON.stringify(randomKey(rng))}:${randomJson(rng, depth + 1)}`).join(',')}}`;
    default:
      return deepJson(rng);
  }
}

export const specialKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then'];

export function randomKey(rng: Rng): string {
  return rng.bool(0.4) ? rng.pick(specialKeys) : rng.bool(0.5) ? rng.pick(['name', 'limit', 'cursor', 'customer', 'user', 'status', 'id', 'params']) : randomString(rng).slice(0, 50);
}

/** Params as raw JSON text: the base's fields, some replaced by random values, some added. */
export function mutateParams(rng: Rng, params: Record<string, unknown>): string {
  const entries: Array<[string, string]> = Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)]);
  const rounds = 1 + rng.int(3);
  for (let i = 0; i < rounds; i++) {
    const choice = rng.int(5);
    if (choice === 0 && entries.length > 0) entries[rng.int(entries.length)]![1] = randomJson(rng);
    else if (choice === 1) entries.push([randomKey(rng), randomJson(rng)]);
    else if (choice === 2 && entries.length > 0) entries.splice(rng.int(entries.length), 1);
    else if (choice === 3) entries.push([rng.pick(specialKeys), rng.bool() ? '{"polluted":true,"name":"x"}' : randomJson(rng)]);
    // Duplicate keys: JSON.parse keeps the last one.
    else if (entries.length > 0) entries.push([entries[rng.int(entries.length)]![0], randomJson(rng)]);
  }
  if (rng.bool(0.1)) return rng.pick(['[]', '[1,2]', '"params"', '42', 'null', 'true', randomJson(rng)]);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

