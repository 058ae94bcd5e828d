import { AppError } from '../../../protocol/errors.js';

/** How the command run for one of the resources a call names went. */
export type Outcome<T> = { id: string; ok: true; value: T } | { id: string; ok: false; error: AppError };

/** Resources the failure of one row may name: the one the row is about. */
const rowResources = new Set(['instance', 'resource', 'volume']);

/**
 * Whether an error is about the one resource a command was given (unknown, malformed, in the
 * wrong state), as opposed to the whole call (the tenant, a permission, the schedule).
 */
function aboutTheResource(error: AppError, field: string): boolean {
  if (error.kind === 'invalid_state') return true;
  if (error.kind === 'not_found') return rowResources.has(String(error.details?.resource));
  if (error.kind !== 'invalid_input') return false;
  const issues = error.details?.issues;
  if (Array.isArray(issues)) return issues.every((issue: { path?: unknown[] }) => issue.path?.[0] === field);
  return error.details?.field === field;
}

/**
 * Runs one Maestro command per resource, in order. The published clients print a row per
 * instance for these actions (with an error column), so an id that is unknown, malformed or in
 * the wrong state fails only its own row; a failure that concerns the whole call is thrown.
 * `field` is the command input field that carries the id, which its validation errors name.
 */
export async function eachResource<T>(ids: readonly string[], field: string, work: (id: string) => Promise<T>): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  for (const id of new Set(ids)) {
    try {
      outcomes.push({ id, ok: true, value: await work(id) });
    } catch (error) {
      if (!(error instanceof AppError) || !aboutTheResource(error, field)) throw error;
      outcomes.push({ id, ok: false, error });
    }
  }
  return outcomes;
}
