/**
 * The vocabulary of instance schedules: a cron expression in a time zone, and the instance
 * command Maestro calls on the attached instances, as the schedule's creator, when it is due.
 */

/** What a schedule does to its instances: the instance command it calls (instances.<action>). */
export const scheduleActions = ['start', 'stop', 'reboot', 'terminate'] as const;
export type ScheduleAction = (typeof scheduleActions)[number];

/**
 * How one due time went for one instance: `done` (the command was accepted), `skipped` (the
 * instance was in a state the action does not apply to, e.g. stopping a stopped instance),
 * `refused` (the creator may no longer do it: permission, licence, quota) or `failed` (the cloud
 * or Maestro failed; the message says why).
 */
export const executionOutcomes = ['done', 'skipped', 'refused', 'failed'] as const;
export type ExecutionOutcome = (typeof executionOutcomes)[number];

/** An execution is `running` from the moment a node claims the due time until its outcomes are recorded. */
export const executionStates = ['running', 'finished'] as const;
export type ExecutionState = (typeof executionStates)[number];

/** What one schedule may hold, so that an execution stays a bounded piece of work. */
export const MAX_SCHEDULE_INSTANCES = 1000;
export const MAX_SCHEDULE_TAG_SELECTORS = 20;
