import { Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import { DatePipe } from '@angular/common';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatIconModule } from '@angular/material/icon';
import { MatTabsModule } from '@angular/material/tabs';
import { debounceTime, filter, Subject } from 'rxjs';
import { ApiService } from '../../core/api.service';
import { LiveService } from '../../core/live.service';
import type { ListSpec } from '../../core/page-registry';
import { messageOf } from '../../core/rpc-error';
import { CommandTable } from '../../shared/command-table/command-table';
import { commandAccess } from '../bespoke-support/command-access';
import { type JobProgress, type NodeHealth, nodesOf, runningJobsOf } from './jobs-nodes-model';

/**
 * Heartbeats and job progress are written without audit events, so the page reads them again on
 * this period while it is open (and at once on a job event or after a reconnect).
 */
const refreshMs = 5_000;
const runningJobsShown = 50;

const jobLists: ListSpec[] = [
  {
    command: 'jobs.describe',
    label: 'Jobs',
    filters: ['status', 'type'],
    liveTypes: ['job'],
    actions: [{ command: 'jobs.retry', label: 'Retry', icon: 'replay' }],
  },
  { command: 'jobs.describeRecurring', label: 'Recurring jobs', rowId: 'name' },
];

/**
 * The seed's JMX page: the control-plane nodes with their health (heartbeat, load, job slots),
 * the jobs running now with their progress, then every job and the recurring ones in the generic
 * table (filters, paging, retry).
 */
@Component({
  selector: 'app-jobs-nodes-page',
  imports: [DatePipe, MatCardModule, MatProgressBarModule, MatIconModule, MatTabsModule, CommandTable],
  templateUrl: './jobs-nodes-page.html',
  styleUrl: './jobs-nodes-page.scss',
})
export class JobsNodesPage {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);
  private readonly may = commandAccess();
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  protected readonly nodes = signal<NodeHealth[] | null>(null);
  protected readonly nodesError = signal<string | null>(null);
  protected readonly running = signal<JobProgress[] | null>(null);
  protected readonly runningError = signal<string | null>(null);
  protected readonly canNodes = signal(false);
  protected readonly canJobs = signal(false);
  protected readonly lists = jobLists;
  protected readonly tab = computed(() => (this.query().get('tab') === '1' ? 1 : 0));
  private readonly refresh = new Subject<void>();

  constructor() {
    effect(() => {
      this.live.reread();
      untracked(() => void this.start());
    });
    // Not while the browser tab is hidden: nobody reads it then, and the server is spared.
    const timer = setInterval(() => document.hidden || this.refresh.next(), refreshMs);
    const events = this.live.audit$.pipe(filter((event) => event.type.startsWith('job.'))).subscribe(() => this.refresh.next());
    const reads = this.refresh.pipe(debounceTime(200)).subscribe(() => void this.load());
    inject(DestroyRef).onDestroy(() => {
      clearInterval(timer);
      events.unsubscribe();
      reads.unsubscribe();
    });
  }

  private async start(): Promise<void> {
    this.canNodes.set(await this.may('nodes.describe'));
    this.canJobs.set(await this.may('jobs.describe'));
    await this.load();
  }

  private async load(): Promise<void> {
    const calls = [
      ...(this.canNodes() ? [{ method: 'nodes.describe', params: { limit: 100 } }] : []),
      ...(this.canJobs() ? [{ method: 'jobs.describe', params: { status: 'processing', limit: runningJobsShown } }] : []),
    ];
    let answers: unknown[];
    try {
      answers = await this.api.batch(calls);
    } catch (error) {
      if (this.canNodes()) this.nodesError.set(messageOf(error));
      if (this.canJobs()) this.runningError.set(messageOf(error));
      return;
    }
    let next = 0;
    if (this.canNodes()) {
      const answer = answers[next++];
      if (answer instanceof Error) this.nodesError.set(answer.message);
      else {
        this.nodes.set(nodesOf(answer, Date.now()));
        this.nodesError.set(null);
      }
    }
    if (this.canJobs()) {
      const answer = answers[next++];
      if (answer instanceof Error) this.runningError.set(answer.message);
      else {
        this.running.set(runningJobsOf(answer));
        this.runningError.set(null);
      }
    }
  }

  protected chooseTab(index: number): void {
    void this.router.navigate([], { queryParams: { tab: index || null } });
  }
}
