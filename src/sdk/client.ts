import type { InputOf, OutputOf } from '../protocol/command.js';
import { commandsByName, type Managers } from '../protocol/commands/index.js';
import { errorKinds } from '../protocol/errors.js';
import { createRpcClient, type ClientOptions, type RpcClient } from './rpc.js';

export { MaestroError, RPC_PATH, type ClientOptions, type RpcClient } from './rpc.js';

type ManagerClient<M> = {
  [K in keyof M]: {} extends InputOf<M[K]>
    ? (input?: InputOf<M[K]>) => Promise<OutputOf<M[K]>>
    : (input: InputOf<M[K]>) => Promise<OutputOf<M[K]>>;
};

/** The typed managers, plus `call` and `batch` by method name (what the CLI uses). */
export type MaestroClient = { [M in keyof Managers]: ManagerClient<Managers[M]> } & RpcClient;

/**
 * The typed Maestro SDK: `client.<manager>.<method>(input)`, types inferred from the command
 * definitions. Every request is signed with the access key and secret key, body included.
 */
export function createClient(options: ClientOptions): MaestroClient {
  const rpc = createRpcClient(options);
  const managers = new Map<string, Record<string, (input?: unknown) => Promise<unknown>>>();
  for (const command of commandsByName.values()) {
    const methods = managers.get(command.manager) ?? {};
    methods[command.method] = (input?: unknown) => rpc.call(command.name, input ?? {});
    managers.set(command.manager, methods);
  }
  return { ...Object.fromEntries(managers), call: rpc.call, batch: rpc.batch } as MaestroClient;
}

export { errorKinds };
