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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'maestro' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
