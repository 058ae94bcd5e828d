import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { ok } from '../common.js';
import { resourceName, sshKey, tenantScope } from './compute-schemas.js';
import { searchInput } from './search-input.js';
import { tenantPicker } from './ui-pickers.js';

const keyName = resourceName('SSH key');

export const sshKeys = defineManager('sshKeys', 'ssh-key', {
  create: defineCommand({
    summary: 'Generate an SSH key pair; the private key is returned once and never stored',
    input: z.strictObject({ ...tenantScope, name: keyName }),
    output: sshKey.extend({ privateKey: z.string() }),
    permission: 'CREATE_SSH_KEY',
    feature: 'compute',
    ui: { title: 'Generate an SSH key pair', fields: { tenant: tenantPicker, name: { label: 'Key name' } } },
    audit: 'create',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  import: defineCommand({
    summary: 'Import an existing SSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256/384/521)',
    input: z.strictObject({ ...tenantScope, name: keyName, publicKey: z.string().trim().min(1).max(16384) }),
    output: sshKey,
    permission: 'CREATE_SSH_KEY',
    feature: 'compute',
    ui: {
      title: 'Import an SSH public key',
      fields: {
        tenant: tenantPicker,
        name: { label: 'Key name' },
        publicKey: { label: 'Public key', widget: 'file', help: 'An ssh-ed25519, ssh-rsa or ecdsa public key: paste it or choose the .pub file.' },
      },
    },
    audit: 'create',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  describe: defineCommand({
    summary: "List a tenant's SSH keys",
    input: z.strictObject({ ...tenantScope, name: z.string().max(128).optional(), ...searchInput }),
    output: z.object({ items: z.array(sshKey) }),
    permission: 'DESCRIBE_SSH_KEY',
    feature: 'compute',
    audit: null,
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
    cli: { columns: ['name', 'fingerprint', 'owner', 'createdAt'] },
  }),
  delete: defineCommand({
    summary: 'Delete an SSH key (instances that have it keep it)',
    input: z.strictObject({ ...tenantScope, name: keyName }),
    output: ok,
    permission: 'DELETE_SSH_KEY',
    feature: 'compute',
    ui: { fields: { tenant: tenantPicker }, confirm: 'Delete this SSH key? Instances that have it keep it.' },
    audit: 'delete',
    audience: 'user',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});
