import type { Database } from '../store/database.js';
import type { SecretBox } from './secrets.js';
import { StartupError } from './startup-error.js';

/** What the key check holds once opened; sealed with a fresh IV, so it says nothing of the key. */
const KNOWN_VALUE = 'maestro master key check v1';

/** Where secrets sealed before there was a key check may be, newest kind first. */
const sealedSecretQueries = [
  'SELECT secret_encrypted AS sealed FROM access_keys LIMIT 1',
  'SELECT keys_sealed AS sealed FROM push_subscriptions LIMIT 1',
];

export type KeyCheckOutcome = 'created' | 'verified';

/**
 * Makes sure this node's master key is the installation's before it serves anything: a node with
 * another key would report healthy and then fail every signed call (the secrets it must open
 * were sealed with the right key). The first start stores a value sealed with its key; later
 * starts must open it. A database from before the check gets one on its next start, once the key
 * has opened a secret already stored (when there is one). Nodes starting together on an empty
 * database agree on the first one written.
 */
export async function checkMasterKey(db: Database, secrets: SecretBox, source: string): Promise<KeyCheckOutcome> {
  const wrongKey = (what: string) =>
    new StartupError(
      'master_key',
      `${source} is not the master key of this database (it cannot open ${what}); start with the key the first start used ` +
        '(the other nodes’ MAESTRO_MASTER_KEY, or the master.key file from that data directory or a backup)',
    );
  let stored = await readKeyCheck(db);
  let outcome: KeyCheckOutcome = 'verified';
  if (stored === null) {
    for (const query of sealedSecretQueries) {
      const { rows } = await db.query<{ sealed: string }>(query);
      if (rows.length === 0) continue;
      if (!opens(secrets, rows[0]!.sealed)) throw wrongKey('the secrets stored in it');
      break;
    }
    const inserted = await db.query('INSERT INTO installation (key_check) VALUES ($1) ON CONFLICT DO NOTHING', [secrets.seal(KNOWN_VALUE)]);
    if (inserted.rowCount === 1) outcome = 'created';
    // Read back: another node may have written its own first.
    stored = (await readKeyCheck(db))!;
  }
  if (!opens(secrets, stored, KNOWN_VALUE)) throw wrongKey('its key check');
  return outcome;
}

async function readKeyCheck(db: Database): Promise<string | null> {
  const { rows } = await db.query<{ keyCheck: string }>('SELECT key_check AS "keyCheck" FROM installation');
  return rows[0]?.keyCheck ?? null;
}

function opens(secrets: SecretBox, sealed: string, expected?: string): boolean {
  try {
    const opened = secrets.open(sealed);
    return expected === undefined || opened === expected;
  } catch {
    return false;
  }
}
