import type { z } from 'zod';
import type { Feature } from './features.js';
import type { PermissionAction } from './permissions.js';
import type { CadfAction } from './cadf.js';
import type { UiHints } from './ui-hints.js';

/**
 * Who may call a command at all, before permissions: `admin` commands belong to the
 * administrative interface (`maestro admin …`), `user` commands to tenant users, `public`
 * commands need no credentials.
 */
export type Audience = 'user' | 'admin' | 'public';

/**
 * Where a call acts, which is where its permission is looked up (seed §3.2.1) and whose licence
 * applies (§3.2.2). Fields name the input property that identifies the place.
 * - `public`: no credentials needed.
 * - `platform`: the platform itself; system administrators only.
 * - `self`: any signed-in user; the handler shows or does only what the caller may.
 * - `tenant`: the tenant named by `field`.
 * - `customer`: the customer of the entity named by `field` (a customer, a user, an access key);
 *   when `field` is optional and left out, the caller's own customer. With `selfAllowed`, a call
 *   about the caller themselves (field left out, or naming them) needs no permission.
 * - `tenantOrCustomer`: the tenant named by `tenantField` when given, else the customer as above.
 */
export type CommandScope =
  | { kind: 'public' }
  | { kind: 'platform' }
  | { kind: 'self' }
  | { kind: 'tenant'; field: string }
  | { kind: 'customer'; via: 'customer' | 'user' | 'accessKey'; field: string; selfAllowed?: boolean }
  | { kind: 'tenantOrCustomer'; tenantField: string; customerField: string };

export interface CliHints {
  /** Columns of the table printed for list results (paths into each item). */
  columns?: readonly string[];
  /**
   * Flags that name a local file whose text the CLI sends as an input property, by flag name:
   * `{ file: 'content' }` adds `--file <path>` (`-` for stdin), which sets `content`.
   */
  files?: Readonly<Record<string, string>>;
  /**
   * The command answers instances it changed (one, or a list under `instances`) that the cloud
   * goes on changing: the CLI adds `--wait`, which follows them until each has settled.
   */
  settles?: boolean;
}

/** The names of a command's input properties; any string for a command whose input type is not known here. */
export type InputField<I extends z.ZodType> = unknown extends z.input<I> ? string : keyof z.input<I> & string;

/** What a command author writes: one object per API action. */
export interface CommandSpec<I extends z.ZodType, O extends z.ZodType> {
  summary: string;
  description?: string;
  input: I;
  output: O;
  permission: PermissionAction;
  feature: Feature;
  /** The CADF action recorded when the command changes state; null for reads. */
  audit: CadfAction | null;
  audience: Audience;
  scope: CommandScope;
  cli?: CliHints;
  /** How the console renders its form or wizard (src/protocol/ui-hints.ts, docs/console.md). */
  ui?: UiHints<InputField<I>>;
}

/** A command as the rest of the system sees it, with its full name filled in. */
export interface CommandDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType>
  extends CommandSpec<I, O> {
  /** `manager.method`, the JSON-RPC method name. */
  readonly name: string;
  readonly manager: string;
  readonly method: string;
  /** The manager's singular noun, used by the admin CLI (`maestro admin tenant create`). */
  readonly noun: string;
}

export type CommandSpecs = Record<string, CommandSpec<z.ZodType, z.ZodType>>;

export type ManagerDefinition<S extends CommandSpecs> = {
  readonly [K in keyof S]: S[K] extends CommandSpec<infer I, infer O> ? CommandDefinition<I, O> : never;
};

export function defineCommand<I extends z.ZodType, O extends z.ZodType>(
  spec: CommandSpec<I, O>,
): CommandSpec<I, O> {
  return spec;
}

/** Groups a domain's commands under one manager (the seed's client > managers > methods). */
export function defineManager<S extends CommandSpecs>(
  manager: string,
  noun: string,
  specs: S,
): ManagerDefinition<S> {
  const out: Record<string, CommandDefinition> = {};
  for (const [method, spec] of Object.entries(specs)) {
    out[method] = { ...spec, name: `${manager}.${method}`, manager, method, noun };
  }
  return out as ManagerDefinition<S>;
}

export type InputOf<C> = C extends CommandDefinition<infer I, z.ZodType> ? z.input<I> : never;
export type ParsedInputOf<C> = C extends CommandDefinition<infer I, z.ZodType> ? z.output<I> : never;
export type OutputOf<C> = C extends CommandDefinition<z.ZodType, infer O> ? z.output<O> : never;
