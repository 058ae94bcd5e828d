import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may carry secrets; pino replaces them before a line is written. */
export const redactedPaths = [
  'req.headers["maestro-authentication"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.secretKey',
  '*.password',
  '*.masterKey',
  '*.secretEncrypted',
  '*.passwordHash',
  'params.password',
  'params.secretKey',
];

/**
 * Members of database errors that carry the statement's parameter values: PGlite attaches
 * `params` (and `queryOptions`) to every error it throws, so a failed INSERT of an event would
 * otherwise put its data (a password hash, a sealed secret) into the log. The SQL text stays.
 */
const errorMembersWithValues = ['params', 'queryOptions'];

function serializeError(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const serializedProto: unknown = Object.getPrototypeOf(serialized);
  // Only objects made by the serializer are changed; nested values still belong to the error.
  const strip = (value: unknown, depth: number): void => {
    if (depth > 8 || typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== serializedProto) return;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (errorMembersWithValues.includes(key)) record[key] = '[redacted]';
      else if (Array.isArray(record[key])) for (const item of record[key] as unknown[]) strip(item, depth + 1);
      else strip(record[key], depth + 1);
    }
  };
  strip(serialized, 0);
  return serialized;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'maestro' },
      serializers: { err: serializeError },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
