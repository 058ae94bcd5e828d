import { AppError, errorKinds } from '../../protocol/errors.js';
import type { Actor } from '../actor.js';
import type { Dispatcher } from '../dispatch.js';
import { commandsFor, type CompatAction, type CompatServerInfo } from './action.js';
import { failure, success, unwrap, type CallResult, type ParsedCall } from '../../protocol/envelope/calls.js';
import { commandsOf, inClientWords, paramsProblem } from './client-words.js';

export interface CallRunner {
  dispatcher: Dispatcher;
  actions: ReadonlyMap<string, CompatAction>;
  server: CompatServerInfo;
  now(): number;
  /** Sees the original of every failure that reaches the caller as internal. */
  onInternalError(error: unknown, action: string): void;
}

/**
 * An action this server does not carry out, known to the client or not, gets one answer: not
 * supported (501), naming the m3 commands that send it and where the supported ones are listed.
 */
function unsupported(id: string, type: string): CallResult {
  const commands = commandsOf(type);
  return failure(
    id,
    501,
    'not_supported',
    `${commands ? `${commands} (${type})` : `the action ${type}`} is not supported by this Maestro server; ` +
      'its administrator can list the supported ones with `maestro admin compat describe` (docs/compat-commands.md)',
  );
}

/**
 * Runs the calls of one request in order, each on its own: one failing never stops or changes the
 * others. Every Maestro command runs through the dispatcher as the caller.
 */
export async function runCalls(runner: CallRunner, calls: readonly ParsedCall[], actor: Actor, requestId: string): Promise<CallResult[]> {
  const maestro = commandsFor(runner.dispatcher, actor, requestId);
  const results: CallResult[] = [];
  for (const call of calls) {
    if (!call.ok) {
      results.push(failure(call.id, 400, 'invalid_input', call.problem));
      continue;
    }
    const action = runner.actions.get(call.type);
    if (!action) {
      results.push(unsupported(call.id, call.type));
      continue;
    }
    try {
      const params = action.params.safeParse(unwrap(call.params, action.wrapper));
      if (!params.success) {
        results.push(failure(call.id, 400, 'invalid_input', paramsProblem(call.type, params.error)));
        continue;
      }
      results.push(success(call.id, await action.run(params.data, { maestro, actor, server: runner.server, now: runner.now })));
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('internal', 'an internal error occurred; the server log has the details');
      if (!(error instanceof AppError)) runner.onInternalError(error, call.type);
      results.push(failure(call.id, errorKinds[appError.kind].httpStatus, appError.kind, inClientWords(appError.message)));
    }
  }
  return results;
}
