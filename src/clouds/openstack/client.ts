import type { z } from 'zod';
import { CloudError } from '../driver.js';
import { allByLink, type Page } from '../paging.js';
import type { OpenStackRegionConfig } from './config.js';
import type { HttpAnswer, HttpRequest, HttpSender } from './http.js';
import { endpointOf, type IdentitySession } from './identity.js';
import { readAnswer } from './parse/json.js';

/** The services the driver calls, with the catalog types each has gone by. */
const catalogTypes = {
  compute: ['compute'],
  image: ['image'],
  network: ['network'],
  'block-storage': ['block-storage', 'volumev3', 'volume'],
} as const;
export type Service = keyof typeof catalogTypes;

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** `path` with a query string; list values repeat the key (Neutron's `fields=a&fields=b`). */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/**
 * The next page's address, from the link a page names and the address of the first. Only the
 * link's query (marker, limit) is taken: services build their links from their own idea of their
 * address (behind a TLS proxy Nova writes http:// links to an https:// endpoint; Glance writes a
 * path alone), and the catalog's address is the one known to work.
 */
export function nextPageUrl(first: string, link: string): string {
  const next = new URL(first);
  next.search = new URL(link, first).search;
  return next.toString();
}

/**
 * The Collector's door to one region: the endpoint of each service from the catalog, the token
 * on every request (a 401 to a token that was cached renews it, once), and the compute API
 * microversion once negotiated. Answers come back as text for the Parser to read.
 */
export class OpenStackClient {
  #computeVersion: string | null = null;

  constructor(
    private readonly config: OpenStackRegionConfig,
    private readonly http: HttpSender,
    private readonly identity: IdentitySession,
  ) {}

  /** The compute microversion every compute request asks for (`OpenStack-API-Version`). */
  useComputeVersion(version: string): void {
    this.#computeVersion = version;
  }

  async endpoint(service: Service, signal?: AbortSignal): Promise<string | null> {
    return endpointOf(await this.identity.token(signal), catalogTypes[service], this.config);
  }

  /** The project the region's credentials work in. */
  async projectId(signal?: AbortSignal): Promise<string> {
    return (await this.identity.token(signal)).projectId;
  }

  async request(service: Service, method: HttpRequest['method'], path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const url = await this.#url(service, path, options);
    const send = async (token: string) =>
      this.http.send({
        method,
        url,
        service,
        headers: {
          'x-auth-token': token,
          ...(service === 'compute' && this.#computeVersion ? { 'openstack-api-version': `compute ${this.#computeVersion}` } : {}),
        },
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    const token = await this.identity.token(options.signal);
    try {
      return await send(token.value);
    } catch (error) {
      // Revoked, or expired early (Keystone restarted with new keys): one new token, one more try.
      if (!(error instanceof CloudError) || error.status !== 401) throw error;
      this.identity.invalidate(token.value);
      return send((await this.identity.token(options.signal)).value);
    }
  }

  /** A request whose answer is read with `schema`; `what` names it in errors. */
  async read<S extends z.ZodType>(
    schema: S,
    service: Service,
    method: HttpRequest['method'],
    path: string,
    what: string,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const answer = await this.request(service, method, path, options);
    return readAnswer(schema, answer.text, what);
  }

  /** Every item of a listing whose pages name the next one (Nova, Neutron, Glance, Cinder). */
  async listByLink<T>(
    service: Service,
    path: string,
    query: Query,
    page: (text: string) => Page<T, string>,
    what: string,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const first = await this.#url(service, path, { query });
    return allByLink<T>(
      first,
      async (link) => page((await this.request(service, 'GET', nextPageUrl(first, link), signal ? { signal } : {})).text),
      { what },
    );
  }

  async #url(service: Service, path: string, options: RequestOptions): Promise<string> {
    if (/^https?:/.test(path)) return withQuery(path, options.query);
    const base = await this.endpoint(service, options.signal);
    if (!base) {
      throw new CloudError(
        'unsupported',
        `the catalog has no ${this.config.interface} ${service} endpoint in region ${this.config.region} (looked for ${catalogTypes[service].join(', ')})`,
      );
    }
    return withQuery(`${base}${path}`, options.query);
  }
}
