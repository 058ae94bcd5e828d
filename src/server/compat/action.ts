import type { z } from 'zod';
import type { InputOf, OutputOf } from '../../protocol/command.js';
import { managers, type Managers } from '../../protocol/commands/index.js';
import type { Actor } from '../actor.js';
import type { Dispatcher } from '../dispatch.js';

/** Maestro's commands, typed as the SDK types them, run as the caller through the dispatcher. */
export type Commands = {
  [M in keyof Managers]: {
    [K in keyof Managers[M]]: (input: InputOf<Managers[M][K]>) => Promise<OutputOf<Managers[M][K]>>;
  };
};

/** What M3_STATUS tells clients about this server (settings, not state). */
export interface CompatServerInfo {
  version: string;
  /** The command-line client version clients are told is the latest. */
  cliLatestVersion: string;
  cliDownloadUrl: string;
  /** Whether e-mail notifications are configured. */
  mails: boolean;
}

export interface CompatContext {
  server: CompatServerInfo;
  /** The server's clock (the injected one in tests), for parameters relative to now. */
  now(): number;
  /** Every call goes through here: the same validation, permissions, quotas and audit as JSON-RPC. */
  maestro: Commands;
  actor: Actor;
}

/**
 * One action of the Maestro protocol, as a translation: the action's parameters, named as the
 * published clients name them, become the input of Maestro commands, and their output becomes
 * the fields the clients read. Nothing else belongs here: rules live in the commands.
 */
export interface CompatAction<P extends z.ZodType = z.ZodType> {
  action: string;
  /** Where the published client nests the parameters (reference file `request_wrapper`). */
  wrapper?: string;
  params: P;
  run(params: z.output<P>, ctx: CompatContext): Promise<unknown>;
}

export const defineAction = <P extends z.ZodType>(action: CompatAction<P>): CompatAction => action as unknown as CompatAction;

export function commandsFor(dispatcher: Dispatcher, actor: Actor, requestId: string): Commands {
  // Built per request as it is used: a batch touches a manager or two of the thirty.
  const built: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  const managerOf = (manager: string) =>
    (built[manager] ??= Object.fromEntries(
      Object.values(managers[manager as keyof Managers]).map((command) => [
        command.method,
        (input: unknown) => dispatcher.call(command.name, input, { actor, requestId }),
      ]),
    ));
  return new Proxy({} as Commands, { get: (_target, manager) => (typeof manager === 'string' && Object.hasOwn(managers, manager) ? managerOf(manager) : undefined) });
}

/** Every item of a paged Maestro listing (the published clients do not page). */
export async function everyPage<T>(
  describe: (page: { limit: number; cursor?: string }) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await describe({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** Dates as the published clients show them: milliseconds since the epoch. */
export const epochMs = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A time as the command-line client prints the dates it converts itself: whole seconds, UTC, `+00:00`. */
export const clientDate = (iso: string) => `${new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().slice(0, 19)}+00:00`;
