import type { AgentKey } from '../../agent/envelope.js';
import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/database.js';
import type { SecretBox } from '../secrets.js';
import { agentKey } from '../queries/agents.js';

/**
 * The agents' keys as the transport needs them: to check and open what an agent sends, and to
 * sign and seal what goes to the agent serving a region (with the key it said it signs with, so
 * that during a rotation it can open it). Held in memory: answers arrive while the command that
 * waits for them holds the embedded database's one connection, so they must not need a query.
 * The keys of a region's agent are learnt when a command reaches for the region (`learn`, in the
 * command's transaction); anything else unknown is looked up; a change to agents clears it all.
 */
export class AgentKeyring {
  readonly #byKeyId = new Map<string, AgentKey | null>();
  readonly #byRegion = new Map<string, AgentKey>();

  constructor(
    private readonly db: Queryable,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** The live keys of the agent serving `region`, and the one to sign requests to it with. */
  learn(region: string, agent: string, keys: ReadonlyArray<{ accessKey: string; secretEncrypted: string }>, signingKeyId: string): void {
    for (const { accessKey, secretEncrypted } of keys) {
      if (!this.#byKeyId.get(accessKey)) this.#byKeyId.set(accessKey, { keyId: accessKey, secret: this.secrets.open(secretEncrypted), agent });
    }
    const signing = this.#byKeyId.get(signingKeyId);
    if (signing) this.#byRegion.set(region, signing);
  }

  async lookup(keyId: string): Promise<AgentKey | null> {
    const known = this.#byKeyId.get(keyId);
    if (known !== undefined) return known;
    const row = await agentKey(this.db, keyId, this.clock.now());
    const key = row ? { keyId, secret: this.secrets.open(row.secretEncrypted), agent: row.agent } : null;
    this.#byKeyId.set(keyId, key);
    return key;
  }

  forRegion(region: string): AgentKey | null {
    return this.#byRegion.get(region) ?? null;
  }

  /** Agents or their keys changed: a retired key must stop working at once. */
  forget(): void {
    this.#byKeyId.clear();
    this.#byRegion.clear();
  }
}
