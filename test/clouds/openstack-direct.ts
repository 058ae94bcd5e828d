import { withRetry } from '../../src/clouds/retry.js';
import { waitForState } from '../../src/clouds/waiter.js';
import { systemClock } from '../../src/domain/clock.js';

/**
 * The test OpenStack, reached without the driver: plain fetch with a password token. Tests use
 * it to change the cloud behind the driver's back (a server created outside Maestro), to build
 * what a run needs (a network with a router to the external one) and to clean up after
 * themselves, so a driver bug cannot hide in its own cleanup.
 */
export interface DirectSettings {
  authUrl: string;
  region: string;
  user: string;
  password: string;
  project: string;
}

export const testCloud: DirectSettings = {
  authUrl: process.env.OS_AUTH_URL ?? 'http://127.0.0.1:5000/v3',
  region: process.env.OS_REGION_NAME ?? 'RegionOne',
  user: process.env.OS_USERNAME ?? 'demo',
  password: process.env.OS_PASSWORD ?? 'demo',
  project: process.env.OS_PROJECT_NAME ?? 'demo',
};

type Service = 'identity' | 'compute' | 'network' | 'image' | 'block-storage' | 'volumev3';

export class DirectOpenStack {
  private constructor(
    private readonly token: string,
    private readonly catalog: Array<{ type: string; endpoints: Array<{ interface: string; region_id: string; url: string }> }>,
    readonly settings: DirectSettings,
  ) {}

  static async login(settings: DirectSettings = testCloud): Promise<DirectOpenStack> {
    const response = await fetch(`${settings.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: settings.user, password: settings.password, domain: { name: 'Default' } } } },
          scope: { project: { name: settings.project, domain: { name: 'Default' } } },
        },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 201) throw new Error(`Keystone refused the test login: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { token: { catalog: DirectOpenStack['catalog'] } };
    return new DirectOpenStack(response.headers.get('x-subject-token')!, body.token.catalog, settings);
  }

  has(service: Service): boolean {
    return this.catalog.some((s) => s.type === service && s.endpoints.some((e) => e.region_id === this.settings.region));
  }

  endpoint(service: Service): string {
    const found = this.catalog.find((s) => s.type === service)?.endpoints.find((e) => e.interface === 'public' && e.region_id === this.settings.region);
    if (!found) throw new Error(`the test cloud has no public ${service} endpoint`);
    return found.url.replace(/\/+$/, '');
  }

  /** One request; answers with the status and the parsed body (null when empty). */
  async call(service: Service, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await this.#send(`${this.endpoint(service)}${path}`, {
      method,
      headers: {
        'x-auth-token': this.token,
        'content-type': 'application/json',
        accept: 'application/json',
        // Only compute: Cinder refuses a request that names another service's microversion.
        ...(service === 'compute' ? { 'openstack-api-version': 'compute 2.47' } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  /** The test cloud's services restart now and then (its install script at work): a refused or cut connection is tried again. */
  #send(url: string, init: RequestInit): Promise<Response> {
    return withRetry(() => fetch(url, init), {
      policy: { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 4_000 },
      clock: systemClock,
      // fetch's TypeError: no answer at all (refused, cut); an HTTP status is an answer.
      shouldRetry: (error) => error instanceof TypeError,
    });
  }

  async ok(service: Service, method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.call(service, method, path, body);
    if (answer.status >= 400) throw new Error(`${service} ${method} ${path}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  }

  /** Deletes a server and waits until it is gone, so its port no longer holds its network. */
  async deleteServer(id: string): Promise<void> {
    await this.call('compute', 'DELETE', `/servers/${id}`);
    await waitForState({
      what: `server ${id} to be deleted`,
      pending: ['present'],
      target: ['gone'],
      refresh: async () => ({ state: (await this.call('compute', 'GET', `/servers/${id}`)).status === 404 ? 'gone' : 'present', value: undefined }),
      timeoutMs: 120_000,
      minPollMs: 200,
      maxPollMs: 1_000,
      clock: systemClock,
    });
  }

  /**
   * Removes everything named with `prefix` (servers, images, volumes, key pairs, routers,
   * networks) and the floating IPs listed, each step on its own: one failure does not stop the
   * rest. Returns what could not be removed.
   */
  async purge(prefix: string, floatingIps: readonly string[] = []): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const named = <T extends { name?: string | null }>(items: T[]) => items.filter((item) => item.name?.startsWith(prefix));
    for (const ip of floatingIps) await attempt(`floating IP ${ip}`, () => this.call('network', 'DELETE', `/v2.0/floatingips/${ip}`));
    const servers = named((await this.ok('compute', 'GET', '/servers?limit=1000')).servers as Array<{ id: string; name: string }>);
    await Promise.all(servers.map((server) => attempt(`server ${server.name}`, () => this.deleteServer(server.id))));
    for (const image of named((await this.ok('image', 'GET', '/v2/images?limit=1000')).images as Array<{ id: string; name: string }>)) {
      await attempt(`image ${image.name}`, () => this.ok('image', 'DELETE', `/v2/images/${image.id}`));
    }
    const volumes = this.has('block-storage') ? 'block-storage' : this.has('volumev3') ? 'volumev3' : null;
    if (volumes) {
      for (const volume of named((await this.ok(volumes, 'GET', '/volumes?limit=1000')).volumes as Array<{ id: string; name: string }>)) {
        await attempt(`volume ${volume.name}`, () => this.ok(volumes, 'DELETE', `/volumes/${volume.id}`));
      }
    }
    for (const { keypair } of (await this.ok('compute', 'GET', '/os-keypairs')).keypairs as Array<{ keypair: { name: string } }>) {
      if (keypair.name.startsWith(prefix)) await attempt(`key pair ${keypair.name}`, () => this.ok('compute', 'DELETE', `/os-keypairs/${keypair.name}`));
    }
    for (const router of named((await this.ok('network', 'GET', '/v2.0/routers')).routers as Array<{ id: string; name: string }>)) {
      await attempt(`router ${router.name}`, async () => {
        const ports = (await this.ok('network', 'GET', `/v2.0/ports?device_id=${router.id}&device_owner=network:router_interface`)).ports as Array<{
          fixed_ips: Array<{ subnet_id: string }>;
        }>;
        for (const port of ports) {
          for (const ip of port.fixed_ips) await this.ok('network', 'PUT', `/v2.0/routers/${router.id}/remove_router_interface`, { subnet_id: ip.subnet_id });
        }
        await this.ok('network', 'DELETE', `/v2.0/routers/${router.id}`);
      });
    }
    for (const network of named((await this.ok('network', 'GET', '/v2.0/networks')).networks as Array<{ id: string; name: string }>)) {
      await attempt(`network ${network.name}`, () => this.ok('network', 'DELETE', `/v2.0/networks/${network.id}`));
    }
    return problems;
  }
}
