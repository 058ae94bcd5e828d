import { randomBytes } from 'node:crypto';

/**
 * New API credentials. Secret keys are 32 characters because the published Maestro clients use
 * the secret's UTF-8 bytes as an AES key (16, 24 or 32 bytes); 32 gives AES-256.
 */
export const newAccessKey = (): string => `MK${randomBytes(10).toString('hex').toUpperCase()}`;

export const newSecretKey = (): string => randomBytes(24).toString('base64url');
