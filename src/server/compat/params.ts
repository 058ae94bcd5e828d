import { z } from 'zod';
import { cloudKinds, type CloudKind } from '../../protocol/clouds.js';

/**
 * Parameter types as the published Maestro clients send them (PROTOCOL.md, "Details the
 * published clients depend on"): numbers often as strings, enum values in whatever case the user
 * typed, lists as arrays or comma-separated text, flags as booleans or "true"/"false".
 */
export const m3 = {
  text: (max = 1024) =>
    z
      .union([z.string(), z.number()], { error: 'must be text' })
      .transform((value) => String(value).trim())
      .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)),

  /** Free text that may be empty (descriptions). */
  anyText: (max = 4096) => z.string().max(max, `must be at most ${max} characters`),

  number: () =>
    z
      .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'must be a number')], { error: 'must be a number' })
      .transform(Number)
      .pipe(z.number().finite()),

  integer: (min: number, max: number) =>
    m3.number().pipe(z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),

  flag: () =>
    z
      .union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])], { error: 'must be true or false' })
      .transform((value) => value === true || String(value).toLowerCase() === 'true'),

  /** One of `values`, matched without regard to case; the value as written here comes out. */
  oneOf: <const V extends readonly [string, ...string[]]>(values: V) =>
    z.string({ error: `must be one of ${values.join(', ')}` }).transform((value, ctx): V[number] => {
      const match = values.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
      if (match === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')} (got ${JSON.stringify(value.slice(0, 64))})` });
        return z.NEVER;
      }
      return match;
    }),

  /** A list: an array of text, or one text with the items separated by commas. */
  list: (max = 100) =>
    z
      .union([z.array(z.union([z.string(), z.number()])), z.string(), z.number()], { error: 'must be a list' })
      .transform((value) =>
        (Array.isArray(value) ? value.map(String) : String(value).split(','))
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .pipe(z.array(z.string()).max(max, `must hold at most ${max} items`)),

  /** A point in time: milliseconds since the epoch (number or digits), an ISO 8601 text, or dd.mm.yyyy. */
  date: () =>
    z.union([z.number(), z.string()], { error: 'must be a date' }).transform((value, ctx): string => {
      const text = String(value).trim();
      const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
      const time = /^\d{1,16}$/.test(text)
        ? Number(text)
        : dotted
          ? Date.UTC(Number(dotted[3]), Number(dotted[2]) - 1, Number(dotted[1]))
          : Date.parse(text);
      // Beyond ±8.64e15 ms a Date is invalid (and toISOString throws).
      if (!Number.isFinite(time) || Math.abs(time) > 8.64e15 || (dotted && new Date(time).getUTCDate() !== Number(dotted[1]))) {
        ctx.addIssue({ code: 'custom', message: `must be a date: milliseconds since the epoch, ISO 8601 or dd.mm.yyyy (got ${JSON.stringify(text.slice(0, 40))})` });
        return z.NEVER;
      }
      return new Date(time).toISOString();
    }),

  /** A tag as the clients send it: `{key, value}` or the text `key:value`. */
  tag: () =>
    z.union([
      z.object({ key: z.string().min(1).max(128), value: z.string().max(256).default('') }),
      z
        .string()
        .min(1)
        .transform((text) => {
          const at = text.indexOf(':');
          return at < 0 ? { key: text, value: '' } : { key: text.slice(0, at), value: text.slice(at + 1) };
        }),
    ]),
};

/** The parameters of an action: named exactly as on the wire; any other name is refused, naming the ones accepted. */
export function wireParams<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape);
}

/**
 * The published clients' cloud names, and which of Maestro's clouds each means. VMWARE is the
 * client's other name for vSphere; ENTERPRISE, the original's own private cloud, is Maestro's
 * simulated private cloud. Clouds Maestro does not have mean no regions.
 */
const cloudAliases: Record<string, CloudKind | null> = {
  ...Object.fromEntries(cloudKinds.map((kind) => [kind, kind])),
  VMWARE: 'VSPHERE',
  ENTERPRISE: 'SIMULATED',
  HARDWARE: null,
  HYPERV: null,
  WORKSPACE: null,
  YANDEX: null,
};

export const cloudParam = () =>
  z.string({ error: 'must name a cloud' }).transform((value, ctx): CloudKind | null => {
    const key = value.trim().toUpperCase();
    if (!Object.hasOwn(cloudAliases, key)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${Object.keys(cloudAliases).join(', ')} (got ${JSON.stringify(value.slice(0, 32))})` });
      return z.NEVER;
    }
    return cloudAliases[key]!;
  });
