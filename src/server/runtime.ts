import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createInProcessBus } from '../bus/in-process.js';
import { topics, type EventBus } from '../bus/bus.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { allCommands } from '../protocol/commands/index.js';
import { openRpcDocument } from '../protocol/openrpc.js';
import type { Database } from '../store/database.js';
import { DataDirLockError, lockDataDir } from '../store/data-dir-lock.js';
import { migrate, migratedTemplate } from '../store/migrate.js';
import { openPglite } from '../store/pglite.js';
import { rebuildProjections } from '../store/rebuild.js';
import { version } from '../version.js';
import { SimulatedCloud } from '../clouds/sim/driver.js';
import { DriverRegistry } from '../clouds/registry.js';
import { CredentialStore } from './auth/credentials.js';
import { initiatorOf, systemActor } from './actor.js';
import { discoverRegion } from './compute/discovery.js';
import { discoverEveryRegion } from './compute/discover-every-region.js';
import { AccessStore } from './access/access-store.js';
import { PlannerStatistics } from './planner-statistics.js';
import { HourlyBilling } from './billing/hourly-billing.js';
import { registerBillingImportJob } from './billing/focus/import-job.js';
import type { License } from '../domain/access/license.js';
import { Authorizer } from './access/authorizer.js';
import { StateSync } from './compute/state-sync.js';
import { TimeLimitExecutor } from './compute/time-limit-executor.js';
import { CoalescingRunner } from './coalescing-runner.js';
import { runDue, type ScheduleRunReport } from './schedules/scheduler.js';
import { billingImported } from '../protocol/events/billing-import.js';
import type { RecordedEvent } from '../protocol/events.js';
import { approvalApproved } from '../protocol/events/quotas.js';
import { ApprovalExecutor } from './quotas/approval-executor.js';
import { QuotaEvaluator } from './quotas/evaluator.js';
import { ReplayCache } from './auth/replay-cache.js';
import { SharedReplayCache } from './auth/shared-replay-cache.js';
import { bootstrapAdministrator, type BootstrapCredentials } from './bootstrap.js';
import { createDefaultRegion, type DefaultRegion } from './default-region.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import type { AgentLink } from './agents/agent-link.js';
import { embeddedAgentDirectory } from './embedded-agent-names.js';
import type { EmbeddedAgent } from './embedded-agent.js';
import type { ServerTransport } from '../agent/transport/transport.js';
import { Dispatcher } from './dispatch.js';
import { EventWriter, NOTIFY_CHANNEL, type CommittedMessage, type EventOrigin } from './event-writer.js';
import { handlers } from './handlers/index.js';
import { JobEngine } from './jobs/engine.js';
import { evaluateQuotasAfter, registerSystemJobs } from './jobs/system-jobs.js';
import { buildApp } from './http/app.js';
import { defaultConsoleDir } from './http/console-static.js';
import { ConsoleSessions } from './session/console-sessions.js';
import { sessionActor, sessionTokenOf } from './session/request-session.js';
import { loadCompatActions } from './compat/load-actions.js';
import { createMetrics } from './http/metrics.js';
import { createLogger, type Logger } from './logger.js';
import { OutboxRelay } from './outbox/relay.js';
import { LiveHub } from './live/hub.js';
import { liveOptions, type LiveOptions } from './live/options.js';
import type { ActorResolver } from './live/identity.js';
import { sessionValidity, streamActorResolver } from './live/actor-resolvers.js';
import type { NotificationDelivery } from './notifications/delivery-schedule.js';
import { setUpNotifications } from './notifications/setup.js';
import { eventDefinitions, projections } from './projections/index.js';
import { createSecretBox, loadMasterKey } from './secrets.js';
import { checkMasterKey } from './key-check.js';
import { projectionsRebuilt } from '../protocol/events/system.js';
import { PostgresConnectError } from '../store/postgres-connect.js';
import { describeFileError, StartupError, systemErrorCode } from './startup-error.js';

export interface MaestroOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the configuration. */
  db?: Database;
  /** Whether to listen for HTTP (default true). */
  listen?: boolean;
  /** How to reach the private agents instead of MAESTRO_AMQP_URL (tests: an in-process broker). */
  agentTransport?: ServerTransport;
  /** The live event stream's settings; `resolveActor` replaces who may open one (tests). */
  live?: Partial<LiveOptions> & { resolveActor?: ActorResolver };
}

export interface Maestro {
  readonly url: string;
  readonly db: Database;
  readonly bus: EventBus;
  readonly dispatcher: Dispatcher;
  readonly relay: OutboxRelay;
  /** Acts on instances' stopAfter / terminateAfter on a timer; `runOnce` makes a pass now. */
  readonly timeLimits: TimeLimitExecutor;
  /** Monthly cost quotas: `evaluate(tenantIds)` recomputes their spending (for billing to call); the recurring job quotas.evaluate evaluates them all. */
  readonly quotas: QuotaEvaluator;
  /** Runs approved requests as their requesters, woken when one is approved; `runOnce` makes a pass now. */
  readonly approvals: ApprovalExecutor;
  /** Instance schedules, executed on a timer; `runDue` makes a pass now (at the clock's time unless given). */
  readonly schedules: { runDue(now?: Date): Promise<ScheduleRunReport> };
  /** The job engine: handlers by type, enqueueing, recurring jobs; this node's worker and heartbeat (docs/jobs.md). */
  readonly jobs: JobEngine;
  /** Sends due e-mail and push notifications, woken when new ones are committed; `runOnce` makes a pass now. */
  readonly notifications: NotificationDelivery;
  readonly services: Services;
  /** The connection to private agents; null unless MAESTRO_AMQP_URL (or an agent transport) is set. */
  readonly agents: AgentLink | null;
  readonly app: FastifyInstance;
  readonly logger: Logger;
  /** The first administrator's credentials, when this start created them. */
  readonly bootstrap: BootstrapCredentials | null;
  /** The simulated region, customer and tenant this start created beside the administrator. */
  readonly defaultRegion: DefaultRegion | null;
  close(): Promise<void>;
}

/** What start-up tells an operator who chose a data directory that cannot be used. */
const dataDirAdvice = 'make it readable and writable by the user running Maestro, or choose another with MAESTRO_DATA_DIR (or --data-dir)';

async function openDatabase(config: Config, logger: Logger): Promise<{ db: Database; release: () => void }> {
  if (config.databaseUrl) {
    // Imported here: the embedded default never loads the pg driver.
    const { openPostgres } = await import('../store/postgres.js');
    try {
      const db = await openPostgres({
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        connect: { timeoutMs: config.databaseConnectTimeoutMs },
      });
      return { db, release: () => undefined };
    } catch (error) {
      if (error instanceof PostgresConnectError) throw new StartupError('database', error.message, { cause: error });
      throw error;
    }
  }
  let unlock: () => void;
  try {
    unlock = lockDataDir(config.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockError)) throw error;
    throw error.reason === 'locked'
      ? new StartupError('data_dir_locked', error.message, { cause: error })
      : new StartupError('data_dir', `cannot use the data directory ${config.dataDir}: ${describeFileError(error.cause)}; ${dataDirAdvice}`, {
          cause: error,
        });
  }
  const dataDir = path.join(config.dataDir, 'pglite');
  try {
    const db = await openPglite({
      dataDir,
      // A new data directory starts as a copy of a cached, already migrated cluster.
      template: migratedTemplate(),
      onTiming: (timings) => logger.debug(timings, 'embedded database opened'),
    });
    return { db, release: unlock };
  } catch (error) {
    unlock();
    throw new StartupError(
      'data_dir',
      `cannot open the embedded database in ${dataDir}: ${describeFileError(error)}; ${dataDirAdvice}, and let it hold only what Maestro put there`,
      { cause: error },
    );
  }
}

/** Starts one control-plane node: database, migrations, bus, dispatcher, outbox relay, HTTP. */
export async function startMaestro(options: MaestroOptions): Promise<Maestro> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  // Where start-up time goes, logged at debug level once the node is ready.
  const startup = performance.now();
  const phases: Record<string, number> = {};
  const phase = (name: string) => {
    phases[name] = Math.round(performance.now() - startup);
  };
  const opened = options.db ? { db: options.db, release: () => undefined } : await openDatabase(config, logger);
  phase('databaseMs');
  const { db } = opened;
  const cleanups: Array<() => Promise<void> | void> = [() => opened.release()];
  if (!options.db) cleanups.unshift(() => db.close());

  try {
    const migrations = await migrate(db);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'database migrated');
    phase('migratedMs');

    const masterKey = loadMasterKey({ key: config.masterKey, file: config.masterKeyFile, dataDir: config.dataDir });
    if (masterKey.warning) logger.warn({ file: masterKey.file }, masterKey.warning);
    const secrets = createSecretBox(masterKey.key);
    // Before anything is served: a node with another installation's key would fail every signed call.
    if ((await checkMasterKey(db, secrets, masterKey.source)) === 'created') logger.info({ source: masterKey.source }, 'master key check stored');
    const bus = createInProcessBus((error, topic) => logger.error({ err: error, topic }, 'bus handler failed'));
    cleanups.unshift(() => bus.close());
    const writer = new EventWriter(db, projections, bus, clock, eventDefinitions);
    const credentials = new CredentialStore(db, secrets);
    const defaultLicense = (): License => ({ edition: config.defaultEdition, endsAt: null, graceDays: 0, suspended: false, toggles: {} });
    const accessStore = new AccessStore(db, defaultLicense, db.kind === 'postgres');
    const simulator = new SimulatedCloud({ latencyMs: config.simLatencyMs });
    const clouds = new DriverRegistry();
    clouds.register(simulator);
    const cloudOrigin: EventOrigin = {
      initiator: initiatorOf(systemActor('cloud')),
      requestId: null,
      observer: { typeURI: 'service/maestro', id: config.nodeName },
    };
    const stateSync = new StateSync(db, clouds, writer, clock, logger, cloudOrigin, config.stateSyncIntervalMs);
    cleanups.unshift(() => stateSync.stop());

    const hourlyBilling = new HourlyBilling(db, clouds, clock, logger, config.nodeName);
    const jobs = new JobEngine({
      db,
      clock,
      logger,
      writer,
      nodeName: config.nodeName,
      version,
      concurrency: config.jobConcurrency,
      leaseMs: config.jobLeaseMs,
      pollMs: config.jobPollMs,
      heartbeatMs: config.nodeHeartbeatMs,
    });
    cleanups.unshift(() => jobs.stop());

    const authorizer = new Authorizer(accessStore, clock);
    const notifications = await setUpNotifications(config, { db, clock, logger, secrets, authorizer });
    cleanups.unshift(() => notifications.stop());

    let embedded: EmbeddedAgent | null = null;
    const services: Services = {
      db,
      clock,
      secrets,
      nodeName: config.nodeName,
      version,
      startedAt,
      clouds,
      simulator,
      embeddedSimulator: () => embedded?.simulatorView() ?? null,
      cloudCallTimeoutMs: config.cloudCallTimeoutMs,
      authorizer,
      notifications: notifications.services,
      defaultLicense,
      billing: hourlyBilling,
      jobs,
      discover: (regionName) => discoverRegion(db, clouds, writer, clock, cloudOrigin, regionName),
      async rebuild(by = { actor: systemActor(), requestId: null }) {
        const started = performance.now();
        let recorded: RecordedEvent[] = [];
        const report = await rebuildProjections(db, projections, {
          // The audit record, after the replay in its transaction; no projection folds it.
          afterReplay: async (tx, replayed) => {
            const data = { ...replayed, milliseconds: Math.round(performance.now() - started) };
            const origin: EventOrigin = {
              initiator: initiatorOf(by.actor),
              requestId: by.requestId,
              observer: { typeURI: 'service/maestro', id: config.nodeName },
            };
            recorded = await writer.append(tx, [writer.build(projectionsRebuilt, data, { target: { id: 'projections', name: 'projections' } }, origin)]);
          },
        });
        await writer.committed(recorded);
        if (db.kind === 'pglite') await db.exec('ANALYZE');
        credentials.invalidate();
        accessStore.invalidate();
        logger.info(report, 'projections rebuilt');
        return report;
      },
    };
    const dispatcher = new Dispatcher(services, writer, handlers, {
      validateOutputs: config.validateOutputs,
      observerId: config.nodeName,
      onInternalError: (error, method) => logger.error({ err: error, method }, 'internal error'),
    });
    const metrics = createMetrics();
    const { resolveActor, ...liveSettings } = options.live ?? {};
    const live = new LiveHub({
      db,
      clock,
      logger,
      authorizer,
      tenantsReachableBy: (user) => accessStore.tenantsReachableBy(user),
      accessAffected: AccessStore.affectedBy,
      openStreams: metrics.liveStreams,
      options: liveOptions(liveSettings),
    });
    const quotaDeps = { db, writer, dispatcher, clock, logger, nodeName: config.nodeName };
    const quotas = new QuotaEvaluator(quotaDeps);
    const approvals = new ApprovalExecutor(quotaDeps, config.quotaIntervalMs);

    const relay = new OutboxRelay(db, logger, config.relayIntervalMs);
    cleanups.unshift(() => relay.stop());
    relay.add(notifications.consumer);
    let agents: AgentLink | null = null;
    const onCommitted = (message: CommittedMessage) => {
      // First: on the embedded database's one connection, the stream's read then goes before the relay's work.
      live.committed();
      if (CredentialStore.affectedBy(message.types)) credentials.invalidate();
      if (message.types.some((type) => type.startsWith('agent.'))) agents?.keyring.forget();
      metrics.eventLogHead.set(message.seq);
      relay.wake();
      // New notifications are sent once the relay has committed them.
      void relay.idle().then(() => {
        live.notificationsMayHaveMoved();
        if (notifications.consumer.takeQueued()) notifications.delivery.wake();
      });
      if (message.types.some((type) => type.startsWith('instance.') && type !== 'instance.stateChanged')) stateSync.wake();
      if (message.types.includes(approvalApproved.type)) approvals.wake();
      // Imported public costs moved spending: monthly quotas look again (every node hears it; one job runs).
      if (message.types.includes(billingImported.type)) {
        evaluateQuotasAfter(jobs, message.seq).catch((error: unknown) => logger.error({ err: error }, 'could not enqueue a quota evaluation'));
      }
    };
    await bus.subscribe(topics.eventsCommitted, (message) => onCommitted(message as CommittedMessage));
    if (db.kind === 'postgres') {
      // Other nodes' commits; a payload we cannot read, or notifications missed while the listening
      // connection was down, still wake everything up.
      const everything: CommittedMessage = { seq: 0, types: ['key.', 'user.', 'agent.'] };
      const unlisten = await db.listen(
        NOTIFY_CHANNEL,
        (payload) => {
          try {
            onCommitted(JSON.parse(payload) as CommittedMessage);
          } catch {
            onCommitted(everything);
          }
        },
        () => onCommitted(everything),
      );
      cleanups.unshift(unlisten);
    }
    relay.start();
    await live.start();
    cleanups.unshift(() => live.close());
    // What was pending at start; due retries are the recurring job notifications.deliver.
    notifications.delivery.wake();
    stateSync.start();
    const statistics = new PlannerStatistics(db, logger);
    statistics.start();
    cleanups.unshift(() => statistics.stop());
    const timeLimits = new TimeLimitExecutor(db, dispatcher, clock, logger, config.timeLimitIntervalMs);
    timeLimits.start();
    cleanups.unshift(() => timeLimits.stop());
    const scheduleDeps = {
      db,
      writer,
      dispatcher,
      clouds,
      logger,
      clock,
      nodeName: config.nodeName,
      graceMs: config.scheduleGraceMs,
      leaseMs: config.scheduleLeaseMs,
    };
    const scheduleTimer: CoalescingRunner = new CoalescingRunner(
      async () => void (await runDue(scheduleDeps, clock.now(), () => scheduleTimer.stopped)),
      config.scheduleIntervalMs,
      (error) => logger.error({ err: error }, 'running due schedules failed'),
    );
    scheduleTimer.start();
    cleanups.unshift(() => scheduleTimer.stop());
    // Spending moves when an hour is billed: monthly quotas look again at once.
    hourlyBilling.onSpending(async (tenantIds) => void (await quotas.evaluate(tenantIds)));
    approvals.start();
    cleanups.unshift(() => quotas.stop(), () => approvals.stop());
    // Billing, discovery, quota evaluation, notification retries and clean-up run as recurring jobs, once per due time across nodes.
    await registerSystemJobs({
      engine: jobs,
      db,
      clock,
      config,
      billing: hourlyBilling,
      quotas,
      discoverEveryRegion: () => discoverEveryRegion(services, logger),
      deliverNotifications: () => notifications.delivery.runOnce(),
    });
    registerBillingImportJob(jobs, { db, writer, clock, nodeName: config.nodeName });
    await jobs.start();

    // Built on the first rpc.discover: start-up does not pay for it.
    let openRpc: unknown;
    const windowMs = config.signatureWindowSeconds * 1000;
    // Nodes sharing a PostgreSQL share what they have seen: a replay to another node is a replay too.
    const replays =
      db.kind === 'postgres'
        ? new SharedReplayCache(db, windowMs, logger, (version, readStartedAt) => accessStore.observeChecked(version, readStartedAt))
        : new ReplayCache(windowMs);
    if (replays instanceof SharedReplayCache) cleanups.unshift(() => replays.close());
    const hasUsers = async () => (await db.query('SELECT 1 FROM users LIMIT 1')).rows.length > 0;
    // Loaded only here: a node without agents never loads the agent or AMQP code.
    const connectAgentLink = async (transport: ServerTransport | { amqpUrl: string; prefix: string }) => {
      const { connectAgents } = await import('./agents/agent-link.js');
      const link = await connectAgents({
        db,
        writer,
        clock,
        logger,
        secrets,
        clouds,
        replays,
        nodeName: config.nodeName,
        callTimeoutMs: config.cloudCallTimeoutMs,
        heartbeatMs: config.agentHeartbeatMs,
        transport,
      });
      cleanups.unshift(() => link.close());
      agents = link;
      phase('agentLinkMs');
    };
    const agentTransport = options.agentTransport ?? (config.amqpUrl ? { amqpUrl: config.amqpUrl, prefix: config.amqpPrefix } : null);
    if (agentTransport) await connectAgentLink(agentTransport);
    // The embedded default (one node on PGlite, no broker of its own): an agent in this process
    // serves its simulated region (docs/agent.md). Made by the first start, after listening like
    // the rest of the bootstrap; started again by every later start before anyone can call.
    const openEmbeddedAgent =
      config.embeddedAgent && db.kind === 'pglite' && !agentTransport
        ? async () => {
            const { InProcessBroker } = await import('../agent/transport/in-process.js');
            const broker = new InProcessBroker();
            await connectAgentLink(broker.serverTransport());
            const { EmbeddedAgent } = await import('./embedded-agent.js');
            const options = { db, dataDir: config.dataDir, masterKey: masterKey.key, broker, clock, simLatencyMs: config.simLatencyMs, logger, version };
            const agent = await EmbeddedAgent.open(options);
            // Closed before the link it speaks through.
            cleanups.unshift(() => agent.close());
            embedded = agent;
            phase('embeddedAgentOpenMs');
            return agent;
          }
        : null;
    if (!openEmbeddedAgent && db.kind === 'pglite' && existsSync(embeddedAgentDirectory(config.dataDir))) {
      logger.warn(
        { dir: embeddedAgentDirectory(config.dataDir) },
        'this data directory has an embedded agent, which serves its simulated region, but it is not started here ' +
          '(MAESTRO_EMBEDDED_AGENT=false or an agent transport is set): commands for that region fail until it runs',
      );
    }
    if (openEmbeddedAgent && existsSync(embeddedAgentDirectory(config.dataDir))) {
      const agent = await openEmbeddedAgent();
      if (!(await agent.resume())) logger.warn({ dir: embeddedAgentDirectory(config.dataDir) }, 'the embedded agent has no identity yet; its region is not served');
      phase('embeddedAgentMs');
    }
    const authenticator = { credentials, replays, windowMs, now: () => clock.now().getTime() };
    const app = await buildApp({
      dispatcher,
      authenticator,
      live: {
        hub: live,
        resolveActor: resolveActor ?? streamActorResolver({ authenticator, session: sessionActor }),
        ...(resolveActor ? {} : { stillValid: sessionValidity(sessionTokenOf, config.sessionIdleMinutes * 60_000) }),
      },
      db,
      metrics,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      openRpc: () => (openRpc ??= openRpcDocument(allCommands, version)),
      sessions: new ConsoleSessions({
        db,
        writer,
        clock,
        nodeName: config.nodeName,
        profile: { authorizer, accessStore },
        settings: {
          lifetimeMs: config.sessionLifetimeMinutes * 60_000,
          idleMs: config.sessionIdleMinutes * 60_000,
          limits: {
            perUser: config.loginFailuresPerUser,
            perAddress: config.loginFailuresPerAddress,
            windowMs: config.loginFailureWindowMinutes * 60_000,
          },
        },
      }),
      consoleDir: config.consoleDir ?? defaultConsoleDir(),
      trustProxy: config.trustProxy,
      compat: {
        actions: loadCompatActions,
        server: {
          version,
          cliLatestVersion: config.compatCliLatestVersion,
          cliDownloadUrl: config.compatCliDownloadUrl,
          mails: config.smtpHost !== undefined,
        },
      },
    });
    cleanups.unshift(() => app.close());
    // Again, to run before the HTTP server closes: it waits for open connections, and streams stay open until ended.
    cleanups.unshift(() => live.close());
    phase('appBuiltMs');
    let url = '';
    if (options.listen !== false) {
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (error) {
        throw listenError(error, config);
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      url = `http://${host}:${port}`;
      jobs.setUrl(url);
    } else {
      await app.ready();
    }
    phase('httpMs');
    // After listening: a start that cannot listen creates no administrator whose only showing of
    // its secret key it would then miss.
    const bootstrap = await bootstrapAdministrator(dispatcher, hasUsers);
    const defaultRegion =
      bootstrap && config.defaultSimulatedRegion
        ? await createDefaultRegion(dispatcher, logger, openEmbeddedAgent)
        : null;
    phase('bootstrapMs');
    logger.debug(phases, 'start-up phases');

    let closed = false;
    return {
      url,
      db,
      bus,
      dispatcher,
      relay,
      timeLimits,
      quotas,
      approvals,
      jobs,
      notifications: notifications.delivery,
      schedules: { runDue: (now = clock.now()) => runDue(scheduleDeps, now) },
      services,
      agents,
      app,
      logger,
      bootstrap,
      defaultRegion,
      async close() {
        if (closed) return;
        closed = true;
        await runCleanups(cleanups, logger);
      },
    };
  } catch (error) {
    await runCleanups(cleanups, logger);
    throw error;
  }
}

/** Why the HTTP port could not be opened, and what to do about it. */
function listenError(error: unknown, config: Config): unknown {
  const code = systemErrorCode(error);
  const where = `${config.host}:${config.port}`;
  const advice: Record<string, string> = {
    EADDRINUSE: `the port is in use by another process; stop it, or choose another port with MAESTRO_PORT (or --port)`,
    EACCES: `listening on ${where} is not permitted (ports below 1024 need privileges); choose a port above 1023 with MAESTRO_PORT (or --port)`,
    EADDRNOTAVAIL: `${config.host} is not an address of this machine; set MAESTRO_HOST (or --host) to one of its addresses, or 0.0.0.0 for all`,
    ENOTFOUND: `the host name ${config.host} is unknown; set MAESTRO_HOST (or --host) to an address of this machine`,
  };
  if (!code || !advice[code]) return error;
  return new StartupError('listen', `cannot listen on ${where}: ${advice[code]}`, { cause: error });
}

async function runCleanups(cleanups: Array<() => Promise<void> | void>, logger: Logger): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn({ err: error }, 'error while shutting down');
    }
  }
}
