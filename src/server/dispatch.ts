import type { z } from 'zod';
import type { CommandDefinition } from '../protocol/command.js';
import { commandsByName } from '../protocol/commands/index.js';
import { AppError } from '../protocol/errors.js';
import { describeIssues } from '../protocol/schema-issues.js';
import type { EventReason, RecordedEvent } from '../protocol/events.js';
import { isDatabaseError, sqlState } from '../store/database.js';
import { initiatorOf, type Actor } from './actor.js';
import { AfterCommit } from './after-commit.js';
import type { Access } from './access/authorizer.js';
import { refuseUnstorableText } from './storable-text.js';
import type { AllHandlers, CommandContext, Handler, Services } from './context.js';
import type { EventOrigin, EventWriter } from './event-writer.js';

export interface CallOptions {
  actor: Actor;
  requestId?: string | null;
  /**
   * Why Maestro makes this call on its own (a system actor acting on a schedule): recorded as
   * the CADF reason of every event of the call, and seen by the handler. Never set from a request.
   */
  reason?: EventReason;
}

/** Refusals worth an audit record: the caller was identified and asked for something real. */
const auditedRejections = new Set(['forbidden', 'license', 'not_found', 'conflict', 'invalid_state', 'limit_exceeded']);

/**
 * The one path every call takes, whatever the transport (JSON-RPC, the compatible endpoint,
 * the scheduler): find the definition, validate the input, authorise, run the handler, and for
 * commands that change state, record events and projections in one transaction.
 */
export class Dispatcher {
  constructor(
    private readonly services: Services,
    private readonly writer: EventWriter,
    private readonly handlers: AllHandlers,
    private readonly options: {
      validateOutputs: boolean;
      observerId: string;
      /** Sees the original of every error that reaches callers as `internal`. */
      onInternalError: (error: unknown, method: string) => void;
    },
  ) {}

  definition(method: string): CommandDefinition {
    const definition = commandsByName.get(method);
    if (!definition) {
      throw new AppError('unknown_method', `there is no method ${method}; rpc.discover lists them all`, { method });
    }
    return definition;
  }

  async call(method: string, params: unknown, options: CallOptions): Promise<unknown> {
    try {
      return await this.run(method, params, options);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.kind === 'internal') this.options.onInternalError(error, method);
      throw appError;
    }
  }

  private async run(method: string, params: unknown, options: CallOptions): Promise<unknown> {
    const command = this.definition(method);
    const input = this.parseInput(command, params ?? {});
    const handler = (this.handlers as unknown as Record<string, Record<string, Handler<CommandDefinition>>>)[command.manager]![
      command.method
    ]!;
    const origin: EventOrigin = {
      initiator: initiatorOf(options.actor),
      requestId: options.requestId ?? null,
      observer: { typeURI: 'service/maestro', id: this.options.observerId },
      reason: options.reason ?? null,
    };

    let output: unknown;
    if (command.audit === null) {
      const access = await this.services.authorizer.authorize(command, input as Record<string, unknown>, options.actor);
      output = await handler(input as never, this.context(options, origin, access, this.services.db, null));
    } else {
      output = await this.mutate(command, handler, input, options, origin);
    }
    if (output instanceof AfterCommit) output = await output.finish();
    if (this.options.validateOutputs) {
      const checked = command.output.safeParse(output);
      if (!checked.success) {
        throw new AppError('internal', `${command.name} produced output that breaks its schema: ${describeIssues(checked.error)}`);
      }
    }
    return output;
  }

  private parseInput(command: CommandDefinition, params: unknown): unknown {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new AppError('invalid_input', `${command.name} takes its parameters by name, as one JSON object`);
    }
    refuseUnstorableText(command.name, params);
    const parsed = command.input.safeParse(params);
    if (!parsed.success) {
      throw new AppError('invalid_input', `invalid parameters for ${command.name}: ${describeIssues(parsed.error)}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
      });
    }
    return parsed.data;
  }

  private async mutate(
    command: CommandDefinition,
    handler: Handler<CommandDefinition>,
    input: unknown,
    options: CallOptions,
    origin: EventOrigin,
  ): Promise<unknown> {
    const recorded: RecordedEvent[] = [];
    let access: Access | null = null;
    try {
      access = await this.services.authorizer.authorize(command, input as Record<string, unknown>, options.actor);
      const granted = access;
      const output = await this.services.db.transaction((tx) =>
        handler(input as never, this.context(options, origin, granted, tx, recorded)),
      );
      this.services.authorizer.committed(recorded.map((event) => event.type));
      await this.writer.committed(recorded);
      return output;
    } catch (error) {
      const appError = toAppError(error);
      if (auditedRejections.has(appError.kind) && options.actor.kind === 'user') {
        const place = access
          ? { customerId: access.customerId, tenantId: access.tenant?.id ?? null }
          : await this.services.authorizer.placeOf(command, input as Record<string, unknown>).catch(() => ({ customerId: null, tenantId: null }));
        const rejection = this.writer.buildRejection(
          { name: command.name, audit: command.audit! },
          appError,
          { customerId: place.customerId ?? options.actor.customerId, tenantId: place.tenantId },
          origin,
        );
        await this.writer.appendStandalone([rejection]).catch(() => undefined);
      }
      // The original, so that call() can log what really went wrong.
      throw error;
    }
  }

  private context(
    options: CallOptions,
    origin: EventOrigin,
    access: Access,
    db: CommandContext['db'],
    recorded: RecordedEvent[] | null,
  ): CommandContext {
    const { writer } = this;
    return {
      actor: options.actor,
      access: access.on(db),
      requestId: options.requestId ?? null,
      reason: options.reason ?? null,
      db,
      services: this.services,
      async emit(definition, data, scope) {
        if (!recorded) throw new AppError('internal', 'a read-only command tried to record an event');
        const [event] = await writer.append(db, [writer.build(definition, data, scope, origin)]);
        recorded.push(event!);
        return event!;
      },
      async emitMany(events) {
        if (!recorded) throw new AppError('internal', 'a read-only command tried to record events');
        if (events.length === 0) return [];
        const appended = await writer.append(db, events.map((e) => writer.build(e.definition, e.data, e.scope, origin)));
        recorded.push(...appended);
        return appended;
      },
    };
  }
}

/** Turns whatever a handler threw into the error vocabulary; database races become conflicts. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseError(error)) {
    if (error.code === sqlState.uniqueViolation) {
      const what = (error.constraint ?? 'a name').replace(/_unique$|_pkey$/, '').replace(/_/g, ' ');
      return new AppError('conflict', `another request created the same ${what} at the same time; describe it, or retry with another name`);
    }
    if (error.code === sqlState.serializationFailure || error.code === sqlState.deadlock) {
      return new AppError('unavailable', 'the call collided with a concurrent change; retry it');
    }
  }
  return new AppError('internal', 'an internal error occurred; the server log has the details', {
    cause: error instanceof Error ? error.name : typeof error,
  });
}
