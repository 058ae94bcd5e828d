import type { CallFailure } from '../messages.js';

/**
 * Why an agent call did not return a result. `mayHaveRun` tells the caller whether the agent may
 * have carried the request out anyway: then a retry must use the same operation id (the agent
 * runs a mutating call at most once per id) or the outcome be learnt from the agent's events.
 */
export abstract class AgentCallError extends Error {
  abstract readonly kind: 'timeout' | 'failed' | 'unavailable' | 'connection_lost';
  abstract readonly mayHaveRun: boolean;
}

/** No answer within the time allowed. The request expires unexecuted if nobody had taken it. */
export class AgentCallTimeoutError extends AgentCallError {
  override name = 'AgentCallTimeoutError';
  readonly kind = 'timeout';
  readonly mayHaveRun = true;
  constructor(
    readonly region: string,
    readonly timeoutMs: number,
  ) {
    super(`the agent serving region ${region} did not answer within ${timeoutMs} ms`);
  }
}

/** The agent ran the call and it failed: the cloud's reason and own message. */
export class AgentCallFailedError extends AgentCallError {
  override name = 'AgentCallFailedError';
  readonly kind = 'failed';
  readonly mayHaveRun = false;
  readonly reason: CallFailure['reason'];
  readonly retryable: boolean;
  /** A run that failed part-way: the instances that do exist (the caller removes or reports them). */
  readonly created: CallFailure['created'];
  constructor(
    readonly region: string,
    failure: CallFailure,
  ) {
    super(failure.message);
    this.reason = failure.reason;
    this.retryable = failure.retryable;
    this.created = failure.created;
  }
}

/** Nothing was sent: no agent consumes the region's queue, no key is known, or no broker. */
export class AgentUnavailableError extends AgentCallError {
  override name = 'AgentUnavailableError';
  readonly kind = 'unavailable';
  readonly mayHaveRun = false;
  constructor(
    readonly region: string,
    message: string,
  ) {
    super(message);
  }
}

/** The connection to the broker dropped while the call was out: its answer is lost. */
export class AgentConnectionLostError extends AgentCallError {
  override name = 'AgentConnectionLostError';
  readonly kind = 'connection_lost';
  readonly mayHaveRun = true;
  constructor(readonly region: string) {
    super(`the connection to the broker was lost while a call to region ${region} was out; its outcome is unknown`);
  }
}
