import type { z } from 'zod';

/** A schema's complaints in one line: `path: message; …`, for errors users read. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'params'}: ${issue.message}`).join('; ');
}
