import { AppError, errorKinds } from '../../protocol/errors.js';
import type { Actor } from '../actor.js';
import { describeIssues } from '../../protocol/schema-issues.js';
import type { Dispatcher } from '../dispatch.js';
import { commandsFor, type CompatAction, type CompatServerInfo } from './action.js';
import { failure, success, unwrap, type CallResult, type ParsedCall } from '../../protocol/envelope/calls.js';
import { referenceActions } from './reference.js';

export interface CallRunner {
  dispatcher: Dispatcher;
  actions: ReadonlyMap<string, CompatAction>;
  server: CompatServerInfo;
  now(): number;
  /** Sees the original of every failure that reaches the caller as internal. */
  onInternalError(error: unknown, action: string): void;
}

function unsupported(id: string, type: string): CallResult {
  const clientCommands = referenceActions().get(type);
  if (clientCommands) {
    const names = clientCommands.map((c) => c.command).join(', ');
    return failure(
      id,
      501,
      'not_supported',
      `${type} (${names}) is not supported by this Maestro server yet; maestro admin compat describe lists the actions it supports`,
    );
  }
  return failure(id, 400, 'unknown_action', `there is no action ${type}; maestro admin compat describe lists the actions this server supports`);
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
        results.push(failure(call.id, 400, 'invalid_input', `${call.type}: ${describeIssues(params.error)}`));
        continue;
      }
      results.push(success(call.id, await action.run(params.data, { maestro, actor, server: runner.server, now: runner.now })));
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('internal', 'an internal error occurred; the server log has the details');
      if (!(error instanceof AppError)) runner.onInternalError(error, call.type);
      results.push(failure(call.id, errorKinds[appError.kind].httpStatus, appError.kind, appError.message));
    }
  }
  return results;
}
