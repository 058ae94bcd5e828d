import type { z } from 'zod';
import { CloudError } from '../../driver.js';

/**
 * Reads an answer of the cloud with the schema of what it should be. An answer in another form
 * is the cloud's fault (or a version this driver does not know), never a reason to crash.
 */
export function readAnswer<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    throw new CloudError('api', `the cloud answered ${what} with something that is not JSON: ${text.slice(0, 200)}`, { retryable: false });
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new CloudError('api', `the cloud answered ${what} in a form this driver does not read (${issues.join('; ')})`, { retryable: false });
}
