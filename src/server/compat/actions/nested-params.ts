import { z } from 'zod';
import { invalidInput } from '../../../protocol/errors.js';

/**
 * Parameters the published command-line client's plugins move under one key before sending
 * (create-instance-quota's `instanceQuota`, create-storage-quota's `volumeQuota`, the billing
 * reports' `target` …), while other clients send them beside the rest. The action's schema
 * accepts both places; `onceEach` checks each name comes in one of them, `lift` brings the nested
 * ones up beside the others.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of a nested object that have a value. */
export const given = (nested: unknown): Record<string, unknown> =>
  isObject(nested) ? Object.fromEntries(Object.entries(nested).filter(([, value]) => value !== undefined)) : {};

/** The parameters with those nested under `wrapper` brought up beside them (values left out stay out). */
export function lift<P extends object, W extends keyof P>(params: P, wrapper: W): Omit<P, W> & NonNullable<P[W]> {
  const { [wrapper]: nested, ...rest } = params;
  return { ...rest, ...given(nested) } as Omit<P, W> & NonNullable<P[W]>;
}

/**
 * A refinement: each of `names` is given at most once, beside the parameters or inside
 * `wrapper`; those in `required` at least once.
 */
export function onceEach(wrapper: string, names: readonly string[], required: readonly string[] = []) {
  return <T extends Record<string, unknown>>(params: T, ctx: z.core.$RefinementCtx<T>) => {
    const nested = isObject(params[wrapper]) ? (params[wrapper] as Record<string, unknown>) : {};
    for (const name of names) {
      const beside = params[name] !== undefined;
      const inside = nested[name] !== undefined;
      if (beside && inside) ctx.addIssue({ code: 'custom', path: [name], message: `given twice: beside the parameters and inside ${wrapper}` });
      if (!beside && !inside && required.includes(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'required' });
    }
  };
}

/**
 * A name the reference and a client plugin spell differently (region and zoneName …): the value
 * given under either; two different values are refused. Names compare without regard to case.
 */
export function eitherOf(values: Record<string, string | undefined>): string | undefined {
  const present = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (new Set(present.map(([, value]) => value.toUpperCase())).size > 1) {
    throw invalidInput(`give ${Object.keys(values).join(' or ')}, not different values`, { field: present[1]![0] });
  }
  return present[0]?.[1];
}

/**
 * Parameters a client may send beside the others or nested under `wrapper` (each exactly once,
 * all required): their schema shape, and the refinement that checks it. `lift` then brings them up.
 */
export function besideOrIn<W extends string, S extends Record<string, z.ZodType>>(wrapper: W, fields: S) {
  const beside = Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, schema.optional()])) as {
    [K in keyof S]: z.ZodOptional<S[K]>;
  };
  const names = Object.keys(fields);
  return {
    shape: { ...beside, [wrapper]: z.strictObject(fields).optional() } as typeof beside & { [K in W]: z.ZodOptional<z.ZodObject<S>> },
    once: onceEach(wrapper, names, names),
  };
}
