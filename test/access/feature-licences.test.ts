import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandDefinition } from '../../src/protocol/command.js';
import { allCommands, managers } from '../../src/protocol/commands/index.js';
import { AppError } from '../../src/protocol/errors.js';
import { editions, featureGates, features, type Edition, type Feature } from '../../src/protocol/features.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { buildFixture, type Fixture, type MatrixActor } from './fixture.js';
import { samples } from './samples.js';

type Outcome = 'allowed' | 'forbidden' | 'license';

/** Commands a customer's user can call: system administrators and public calls are not subject to licences. */
const licensed = (feature: Feature) =>
  allCommands.filter((c) => c.feature === feature && c.scope.kind !== 'platform' && c.scope.kind !== 'public');

const featureNames = Object.keys(features) as Feature[];

function editionBelow(feature: Feature): Edition | undefined {
  return editions[editions.indexOf(features[feature].edition) - 1];
}

/**
 * Every feature of the edition table, through the dispatcher every transport calls: a customer
 * whose licence lacks the feature (by edition, or toggled off) is refused each of its commands
 * with the licence error; the edition that includes it (or a toggle on) lets each through.
 */
describe('each licensed feature gates all of its commands', () => {
  let server: TestServer;
  let f: Fixture;
  let admin: MatrixActor;
  before(async () => {
    server = await startTestServer({ config: { simLatencyMs: 0 } });
    const customerIdOf = async (name: string) => {
      const { rows } = await server.maestro.db.query<{ id: string }>('SELECT id FROM customers WHERE name = $1', [name]);
      return rows[0]!.id;
    };
    f = await buildFixture(server.admin, customerIdOf);
    // A customer administrator: every grantable permission, so only the licence can refuse.
    admin = f.actors.find((a) => a.name === 'customer-admin')!;
    // The fixture's regions are simulated, i.e. private: keep that feature on so that only the one under test decides.
    await server.admin.licenses.toggleFeature({ customer: f.names.A, feature: 'privateClouds', enabled: true });
  });
  after(() => server?.close());

  const license = (edition: Edition) => server.admin.licenses.set({ customer: f.names.A, edition });
  const toggle = (feature: Feature, enabled: boolean | null) => server.admin.licenses.toggleFeature({ customer: f.names.A, feature, enabled });

  async function call(command: CommandDefinition): Promise<{ outcome: Outcome; message: string }> {
    try {
      await server.maestro.dispatcher.call(command.name, samples[command.name]!(f, f.homes.A), { actor: admin.actor });
      return { outcome: 'allowed', message: '' };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Not found, wrong state and the like: the call got past authorisation.
      if (error.kind !== 'forbidden' && error.kind !== 'license') return { outcome: 'allowed', message: error.message };
      return { outcome: error.kind, message: error.message };
    }
  }

  /** The calls whose outcome is not `want`, described; a licence refusal must name the feature. */
  async function mismatches(commands: readonly CommandDefinition[], want: Outcome, feature: Feature, when: string): Promise<string[]> {
    const wrong: string[] = [];
    for (const command of commands) {
      const { outcome, message } = await call(command);
      if (outcome !== want) wrong.push(`${when}: ${command.name} expected ${want}, got ${outcome} ${message}`);
      else if (want === 'license' && !message.includes(`the feature ${feature} `)) wrong.push(`${when}: ${command.name} refusal does not name ${feature}: ${message}`);
    }
    return wrong;
  }

  for (const feature of featureNames) {
    const commands = licensed(feature);
    const skip =
      commands.length > 0
        ? false
        : feature === 'privateClouds'
          ? 'its own commands (the simulator) are for system administrators; what it gates for customers is private regions, below'
          : `no ${feature} commands yet; they will belong to ${featureGates[feature].join(', ')}`;
    it(`${feature}: refused without it, by edition or toggle, allowed with it`, { skip }, async () => {
      const wrong: string[] = [];
      await license('enterprise');
      wrong.push(...(await mismatches(commands, 'allowed', feature, 'enterprise')));
      await toggle(feature, false);
      wrong.push(...(await mismatches(commands, 'license', feature, 'toggled off')));
      await toggle(feature, null);
      const below = editionBelow(feature);
      if (below) {
        await license(below);
        wrong.push(...(await mismatches(commands, 'license', feature, below)));
        await toggle(feature, true);
        wrong.push(...(await mismatches(commands, 'allowed', feature, `${below} toggled on`)));
        await toggle(feature, null);
        await license(features[feature].edition);
        wrong.push(...(await mismatches(commands, 'allowed', feature, features[feature].edition)));
      }
      await license('enterprise');
      assert.deepEqual(wrong, []);
      assert.ok(commands.length > 0);
    });
  }

  it('privateClouds: running an instance in a private region is refused without it, allowed with it', async () => {
    const run: CommandDefinition = managers.instances.run;
    await license('enterprise');
    await toggle('privateClouds', null);
    assert.equal((await call(run)).outcome, 'allowed');
    await toggle('privateClouds', false);
    const refused = await call(run);
    assert.equal(refused.outcome, 'license');
    assert.match(refused.message, /the feature privateClouds /);
    await toggle('privateClouds', null);
    await license('professional');
    assert.equal((await call(run)).outcome, 'license');
    await license('enterprise');
    await toggle('privateClouds', true);
  });
});
