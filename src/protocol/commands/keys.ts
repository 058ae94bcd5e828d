import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, instant, ok, page, pageInput, userName } from '../common.js';
import { accessKey } from './organisation-schemas.js';
import { userPicker } from './ui-pickers.js';

export const keys = defineManager('keys', 'key', {
  create: defineCommand({
    summary: 'Create an access key and secret key for API calls; the secret is shown only once',
    input: z.strictObject({
      user: userName.optional().describe('whose key; yourself when omitted'),
      description: displayText(200).optional(),
      expiresAt: instant.optional(),
    }),
    output: accessKey.extend({ secretKey: z.string() }),
    permission: 'CREATE_KEY',
    feature: 'organisation',
    ui: {
      title: 'Create an API access key',
      fields: {
        // Users who may not list users leave it empty: their own key.
        user: { ...userPicker, help: 'Empty: a key of your own.' },
        description: { label: 'What it is for' },
        expiresAt: { label: 'Expires at', widget: 'datetime', help: 'Empty: it does not expire.' },
      },
    },
    audit: 'create',
    audience: 'user',
    scope: { kind: 'customer', via: 'user', field: 'user', selfAllowed: true },
  }),
  describe: defineCommand({
    summary: 'List access keys (never their secrets): yours, or a user’s as an administrator',
    input: z.strictObject({ user: userName.optional(), ...pageInput }),
    output: page(accessKey),
    permission: 'DESCRIBE_KEY',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'customer', via: 'user', field: 'user', selfAllowed: true },
    cli: { columns: ['accessKey', 'user', 'description', 'createdAt', 'expiresAt'] },
  }),
  delete: defineCommand({
    summary: 'Revoke an access key: calls signed with it fail from then on',
    input: z.strictObject({ accessKey: z.string().trim().min(1).max(64) }),
    output: ok,
    permission: 'DELETE_KEY',
    feature: 'organisation',
    ui: { fields: { accessKey: { widget: 'hidden' } }, confirm: 'Revoke this access key? Calls signed with it fail from then on.' },
    audit: 'revoke',
    audience: 'user',
    scope: { kind: 'customer', via: 'accessKey', field: 'accessKey', selfAllowed: true },
  }),
});
