import type { Clock } from '../../domain/clock.js';
import { CloudError } from '../driver.js';
import type { OpenStackLogin, OpenStackRegionConfig } from './config.js';
import type { HttpSender } from './http.js';
import { parseToken, type ServiceEndpoint } from './parse/identity.js';

/** A Keystone token with what came with it. */
export interface Token {
  value: string;
  projectId: string;
  catalog: ServiceEndpoint[];
  /** On the driver's clock: when to get a new token, ahead of the cloud's expiry. */
  renewAt: number;
}

/** The request body of Keystone v3's POST /auth/tokens for a login (a region's, or a tenant's). */
export function tokenRequest(config: OpenStackLogin): unknown {
  if (config.applicationCredential) {
    // An application credential carries its own project scope; asking for another is refused.
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: config.applicationCredential.id, secret: config.applicationCredential.secret },
        },
      },
    };
  }
  const user = config.user!;
  const project = config.project!;
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user.name, domain: user.domain, password: user.password } } },
      scope: { project: 'id' in project ? { id: project.id } : { name: project.name, domain: project.domain } },
    },
  };
}

/**
 * The driver's Keystone session: one token at a time, fetched when first needed, shared by
 * concurrent calls (one request in flight), and renewed ahead of its expiry: after three quarters
 * of its lifetime, measured on the driver's clock from the cloud's issued_at/expires_at pair so a
 * skew between the two clocks does not matter. `invalidate` drops a token the cloud refused.
 */
export class IdentitySession {
  #token: Token | null = null;
  #pending: Promise<Token> | null = null;

  constructor(
    private readonly config: OpenStackLogin,
    private readonly http: HttpSender,
    private readonly clock: Clock,
  ) {}

  async token(signal?: AbortSignal): Promise<Token> {
    if (this.#token && this.clock.now().getTime() < this.#token.renewAt) return this.#token;
    this.#pending ??= this.#authenticate(signal).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Forgets `value` if it is the token in use (the cloud answered 401 to it). */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = null;
  }

  async #authenticate(signal?: AbortSignal): Promise<Token> {
    const url = `${this.config.authUrl.replace(/\/+$/, '')}/auth/tokens`;
    const answer = await this.http.send({
      method: 'POST',
      url,
      service: 'identity',
      body: tokenRequest(this.config),
      ...(signal ? { signal } : {}),
    });
    const value = answer.headers.get('x-subject-token');
    if (!value) throw new CloudError('api', `identity POST /auth/tokens answered ${answer.status} without an X-Subject-Token header`);
    const token = parseToken(answer.text);
    const lifetime = token.expiresAt.getTime() - token.issuedAt.getTime();
    this.#token = { value, projectId: token.projectId, catalog: token.catalog, renewAt: this.clock.now().getTime() + lifetime * 0.75 };
    return this.#token;
  }
}

/** The endpoint of a service in the region and interface the config asks for. */
export function endpointOf(token: Token, types: readonly string[], config: Pick<OpenStackRegionConfig, 'region' | 'interface'>): string | null {
  for (const type of types) {
    const found = token.catalog.find((e) => e.type === type && e.region === config.region && e.interface === config.interface);
    if (found) return found.url.replace(/\/+$/, '');
  }
  return null;
}
