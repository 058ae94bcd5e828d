import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createInProcessBus } from '../bus/in-process.js';
import { topics, type EventBus } from '../bus/bus.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { allCommands } from '../protocol/commands/index.js';
import { openRpcDocument } from '../protocol/openrpc.js';
import type { Database } from '../store/database.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { migrate } from '../store/migrate.js';
import { openPglite } from '../store/pglite.js';
import { openPostgres } from '../store/postgres.js';
import { rebuildProjections } from '../store/rebuild.js';
import { version } from '../version.js';
import { CredentialStore } from './auth/credentials.js';
import { ReplayCache } from './auth/replay-cache.js';
import { bootstrapAdministrator, type BootstrapCredentials } from './bootstrap.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { Dispatcher } from './dispatch.js';
import { EventWriter, NOTIFY_CHANNEL, type CommittedMessage } from './event-writer.js';
import { handlers } from './handlers/index.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { createLogger, type Logger } from './logger.js';
import { OutboxRelay } from './outbox/relay.js';
import { eventDefinitions, projections } from './projections/index.js';
import { createSecretBox, loadMasterKey } from './secrets.js';

export interface MaestroOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the configuration. */
  db?: Database;
  /** Whether to listen for HTTP (default true). */
  listen?: boolean;
}

export interface Maestro {
  readonly url: string;
  readonly db: Database;
  readonly bus: EventBus;
  readonly dispatcher: Dispatcher;
  readonly relay: OutboxRelay;
  readonly services: Services;
  readonly app: FastifyInstance;
  readonly logger: Logger;
  /** The first administrator's credentials, when this start created them. */
  readonly bootstrap: BootstrapCredentials | null;
  close(): Promise<void>;
}

async function openDatabase(config: Config): Promise<{ db: Database; release: () => void }> {
  if (config.databaseUrl) {
    return { db: await openPostgres({ url: config.databaseUrl, poolSize: config.databasePoolSize }), release: () => undefined };
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    return { db: await openPglite({ dataDir: path.join(config.dataDir, 'pglite') }), release: unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Starts one control-plane node: database, migrations, bus, dispatcher, outbox relay, HTTP. */
export async function startMaestro(options: MaestroOptions): Promise<Maestro> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const opened = options.db ? { db: options.db, release: () => undefined } : await openDatabase(config);
  const { db } = opened;
  const cleanups: Array<() => Promise<void> | void> = [() => opened.release()];
  if (!options.db) cleanups.unshift(() => db.close());

  try {
    const migrations = await migrate(db);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'database migrated');

    const masterKey = loadMasterKey(config.masterKey, config.dataDir);
    const secrets = createSecretBox(masterKey.key);
    const bus = createInProcessBus((error, topic) => logger.error({ err: error, topic }, 'bus handler failed'));
    cleanups.unshift(() => bus.close());
    const writer = new EventWriter(db, projections, bus, clock, eventDefinitions);
    const credentials = new CredentialStore(db, secrets);

    const services: Services = {
      db,
      clock,
      secrets,
      nodeName: config.nodeName,
      version,
      startedAt,
      async rebuild() {
        const report = await rebuildProjections(db, projections);
        credentials.invalidate();
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

    const relay = new OutboxRelay(db, logger, config.relayIntervalMs);
    cleanups.unshift(() => relay.stop());
    const onCommitted = (message: CommittedMessage) => {
      if (CredentialStore.affectedBy(message.types)) credentials.invalidate();
      metrics.eventLogHead.set(message.seq);
      relay.wake();
    };
    await bus.subscribe(topics.eventsCommitted, (message) => onCommitted(message as CommittedMessage));
    if (db.kind === 'postgres') {
      // Other nodes' commits; a payload we cannot read still wakes everything up.
      const unlisten = await db.listen(NOTIFY_CHANNEL, (payload) => {
        try {
          onCommitted(JSON.parse(payload) as CommittedMessage);
        } catch {
          onCommitted({ seq: 0, types: ['key.', 'user.'] });
        }
      });
      cleanups.unshift(unlisten);
    }
    relay.start();

    const bootstrap = await bootstrapAdministrator(dispatcher, async () => {
      const { rows } = await db.query('SELECT 1 FROM users LIMIT 1');
      return rows.length > 0;
    });

    const openRpc = openRpcDocument(allCommands, version);
    const app = await buildApp({
      dispatcher,
      authenticator: {
        credentials,
        replays: new ReplayCache(config.signatureWindowSeconds * 1000),
        windowMs: config.signatureWindowSeconds * 1000,
        now: () => clock.now().getTime(),
      },
      db,
      metrics,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      openRpc: () => openRpc,
    });
    cleanups.unshift(() => app.close());
    let url = '';
    if (options.listen !== false) {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      url = `http://${host}:${port}`;
    } else {
      await app.ready();
    }

    let closed = false;
    return {
      url,
      db,
      bus,
      dispatcher,
      relay,
      services,
      app,
      logger,
      bootstrap,
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

async function runCleanups(cleanups: Array<() => Promise<void> | void>, logger: Logger): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn({ err: error }, 'error while shutting down');
    }
  }
}
