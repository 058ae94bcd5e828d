import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, email, identifier, ok, page, pageInput, userName } from '../common.js';
import { user } from './organisation-schemas.js';
import { searchInput } from './search-input.js';
import { customerPicker, rolePicker, tenantPicker, userPicker } from './ui-pickers.js';

const roleName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "role names start with a letter and contain letters, digits, '_' and '-'");

export const users = defineManager('users', 'user', {
  create: defineCommand({
    summary: 'Create a user, in a customer or (systemAdmin) for the whole platform',
    input: z.strictObject({
      name: userName,
      displayName: displayText(200).optional(),
      email: email.optional(),
      customer: identifier('customer name').optional(),
      systemAdmin: z.boolean().optional(),
    }),
    output: user,
    permission: 'CREATE_USER',
    feature: 'organisation',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    ui: {
      title: 'Create a user',
      wizard: 'CREATE_USER_WIZARD',
      steps: [
        { title: 'Where', fields: ['customer', 'systemAdmin'] },
        { title: 'User', fields: ['name', 'displayName', 'email'] },
      ],
      fields: {
        customer: { ...customerPicker, help: 'Leave it empty for a system administrator.' },
        systemAdmin: { label: 'System administrator (the whole platform)', widget: 'checkbox' },
        name: { label: 'User name', help: "Letters, digits and '._@+-'; stored in lower case." },
        displayName: { label: 'Display name' },
        email: { label: 'E-mail', placeholder: 'name@example.com' },
      },
      resultRoute: '/users/:name',
    },
  }),
  describe: defineCommand({
    summary: 'List users, or describe one by name',
    input: z.strictObject({
      name: userName.optional(),
      customer: identifier('customer name').optional(),
      tenant: identifier('tenant name').optional(),
      ...searchInput,
      ...pageInput,
    }),
    output: page(user),
    permission: 'DESCRIBE_USER',
    feature: 'organisation',
    audit: null,
    audience: 'admin',
    scope: { kind: 'customer', via: 'customer', field: 'customer' },
    cli: { columns: ['name', 'displayName', 'customer', 'status', 'systemAdmin'] },
  }),
  whoami: defineCommand({
    summary: 'Describe the user the credentials belong to',
    input: z.strictObject({}),
    output: user,
    permission: 'DESCRIBE_SYSTEM',
    feature: 'organisation',
    audit: null,
    audience: 'user',
    scope: { kind: 'self' },
  }),
  update: defineCommand({
    summary: "Change a user's display name, e-mail or status (a disabled user's keys stop working)",
    input: z.strictObject({
      name: userName,
      displayName: displayText(200).optional(),
      email: email.nullable().optional(),
      status: z.enum(['active', 'disabled']).optional(),
    }),
    output: user,
    permission: 'UPDATE_USER',
    feature: 'organisation',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'customer', via: 'user', field: 'name' },
  }),
  setPassword: defineCommand({
    summary: "Set a user's console password (your own, or anyone's as an administrator)",
    input: z.strictObject({
      name: userName,
      password: z.string().min(12, 'passwords must be at least 12 characters').max(256),
    }),
    output: ok,
    permission: 'UPDATE_USER',
    feature: 'organisation',
    ui: { title: 'Set a password', fields: { name: userPicker, password: { label: 'New password', widget: 'password', help: 'At least 12 characters.' } } },
    audit: 'update',
    audience: 'user',
    scope: { kind: 'customer', via: 'user', field: 'name', selfAllowed: true },
  }),
  addRole: defineCommand({
    summary: 'Give a user a role in a tenant (replaces the role the user had there)',
    input: z.strictObject({
      name: userName,
      tenant: identifier('tenant name'),
      role: roleName,
    }),
    output: user,
    permission: 'MANAGE_USER_ROLE',
    feature: 'organisation',
    ui: { title: 'Give a role in a tenant', fields: { name: userPicker, tenant: tenantPicker, role: rolePicker } },
    audit: 'allow',
    audience: 'admin',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
  addCustomerRole: defineCommand({
    summary: "Give a user a role in their whole customer: it applies in every tenant where they have no role of their own",
    input: z.strictObject({ name: userName, role: roleName }),
    output: user,
    permission: 'MANAGE_USER_ROLE',
    feature: 'organisation',
    audit: 'allow',
    audience: 'admin',
    scope: { kind: 'customer', via: 'user', field: 'name' },
  }),
  removeCustomerRole: defineCommand({
    summary: "Take away a user's customer-wide role",
    input: z.strictObject({ name: userName }),
    output: user,
    permission: 'MANAGE_USER_ROLE',
    feature: 'organisation',
    audit: 'deny',
    audience: 'admin',
    scope: { kind: 'customer', via: 'user', field: 'name' },
  }),
  removeRole: defineCommand({
    summary: "Take away a user's role in a tenant",
    input: z.strictObject({ name: userName, tenant: identifier('tenant name') }),
    output: user,
    permission: 'MANAGE_USER_ROLE',
    feature: 'organisation',
    audit: 'deny',
    audience: 'admin',
    scope: { kind: 'tenant', field: 'tenant' },
  }),
});

