import type { Managers } from '../../protocol/commands/index.js';
import { invalidState, notFound } from '../../protocol/errors.js';
import * as events from '../../protocol/events/jobs.js';
import type { ManagerHandlers } from '../context.js';
import { jobById, listJobs, listNodes, listRecurringJobs } from '../queries/jobs.js';

export const nodes: ManagerHandlers<Managers['nodes']> = {
  describe: (input, ctx) =>
    listNodes(ctx.db, { status: input.status, lostBefore: new Date(ctx.services.clock.now().getTime() - ctx.services.jobs.lostAfterMs) }, input),
};

export const jobs: ManagerHandlers<Managers['jobs']> = {
  describe: (input, ctx) => listJobs(ctx.db, { id: input.id, status: input.status, type: input.type }, input),
  async retry(input, ctx) {
    const retried = await ctx.services.jobs.retry(input.id, ctx.db);
    if (!retried) {
      const job = await jobById(ctx.db, input.id);
      if (!job) throw notFound('job', input.id, 'list jobs with `maestro admin job describe`');
      throw invalidState(`job ${input.id} is ${job.status}: only a failed job can be retried`, { status: job.status });
    }
    await ctx.emit(events.jobRetried, { id: retried.id, type: retried.type, previousError: retried.error }, { target: { id: retried.id, name: retried.type } });
    return (await jobById(ctx.db, input.id))!;
  },
  describeRecurring: (input, ctx) => listRecurringJobs(ctx.db, input.name, input),
};
