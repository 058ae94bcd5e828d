import { z } from 'zod';
import { CloudError } from '../driver.js';
import { notificationSettings } from './notifications.js';

const name = z.string().trim().min(1, 'must not be empty');

/** A Keystone domain, by id or by name (Keystone's own default domain is named Default, id default). */
const domain = z.union([z.strictObject({ id: name }), z.strictObject({ name })], {
  error: 'give the domain as { "name": "Default" } or { "id": "default" }',
});

const project = z.union([z.strictObject({ id: name }), z.strictObject({ name, domain: domain.default({ name: 'Default' }) })], {
  error: 'give the project as { "id": … } or { "name": …, "domain": { "name": … } }',
});

const applicationCredential = z.strictObject({ id: name, secret: z.string().min(1, 'must not be empty') });

/**
 * Where one Maestro tenant works in the cloud: a project the region's user is a member of, or an
 * application credential of the tenant's own (bound to its project).
 */
const tenantProject = z.union([z.strictObject({ project }), z.strictObject({ applicationCredential })], {
  error: 'give the tenant { "project": { "name": …, "domain": { "name": … } } } or { "applicationCredential": { "id": …, "secret": … } }',
});

/** Tenant names as Maestro keeps them (upper case); two spellings of one name are a mistake. */
const tenantProjects = z.record(name, tenantProject).transform((byName, ctx) => {
  const out: Record<string, z.output<typeof tenantProject>> = {};
  for (const [tenant, where] of Object.entries(byName)) {
    const key = tenant.toUpperCase();
    if (out[key]) ctx.addIssue({ code: 'custom', path: [tenant], message: `tenant ${key} is mapped twice` });
    out[key] = where;
  }
  return out;
});

const timeouts = z.strictObject({
  /** One HTTP request: connecting, and waiting for the headers and the body. */
  requestMs: z.int().min(100).max(600_000).default(30_000),
  /** Waiting for an operation the driver has to see through (resize confirm, image capture). */
  operationMs: z.int().min(1_000).max(3_600_000).default(600_000),
  /** The shortest time between two reads while waiting. */
  pollMs: z.int().min(10).max(60_000).default(1_000),
});

/**
 * How to reach one OpenStack region: Keystone v3, the region and endpoint interface to use from
 * its catalog, and either a user's password (scoped to a project) or an application credential
 * (already scoped to the project it was made in).
 */
export const openStackRegionConfig = z
  .strictObject({
    /** Keystone's v3 address, e.g. https://keystone.example.com:5000/v3 */
    authUrl: z.url({ protocol: /^https?$/, error: 'authUrl must be an http(s) address of Keystone v3, e.g. https://keystone.example.com:5000/v3' }),
    /** The region's name in the service catalog (RegionOne on most installations). */
    region: name,
    /** Which endpoints of the catalog to call; public unless the agent sits inside the cloud's network. */
    interface: z.enum(['public', 'internal', 'admin']).default('public'),
    project: project.optional(),
    user: z.strictObject({ name, domain: domain.default({ name: 'Default' }), password: z.string().min(1, 'must not be empty') }).optional(),
    applicationCredential: applicationCredential.optional(),
    /**
     * Tenants that work in projects of their own: their calls are scoped to that project, and
     * listings cover every project named here besides the region's own. Other tenants work in
     * the region's project.
     */
    tenants: tenantProjects.default({}),
    /** A PEM file of the certificate authorities to trust instead of the system's (private clouds). */
    caBundle: z.string().min(1).optional(),
    /**
     * Items per page when listing. Absent, each service's own default; the driver follows the
     * pages to the end either way (tests set 2 to prove it).
     */
    pageSize: z.int().min(1).max(1000).optional(),
    timeouts: timeouts.default({ requestMs: 30_000, operationMs: 600_000, pollMs: 1_000 }),
    /** Nova's versioned notifications on the cloud's broker: changes are seen within a second, not at the next poll. */
    notifications: notificationSettings.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.user && config.applicationCredential) {
      ctx.addIssue({ code: 'custom', path: ['applicationCredential'], message: 'give a user with a password or an application credential, not both' });
    } else if (!config.user && !config.applicationCredential) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'give a user with a password, or an application credential' });
    } else if (config.user && !config.project) {
      ctx.addIssue({ code: 'custom', path: ['project'], message: 'a password login needs the project to work in' });
    } else if (config.applicationCredential && config.project) {
      ctx.addIssue({ code: 'custom', path: ['project'], message: 'an application credential is already bound to its project; leave project out' });
    }
    for (const [tenant, where] of Object.entries(config.tenants)) {
      if ('project' in where && !config.user) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', tenant, 'project'],
          message: "a tenant's project is entered with the region's user and password; with an application credential give the tenant an applicationCredential of its own",
        });
      }
    }
  });

export type OpenStackRegionConfig = z.output<typeof openStackRegionConfig>;
export type OpenStackRegionConfigInput = z.input<typeof openStackRegionConfig>;

/** What a token request needs: Keystone's address and one way to log in, scoped to one project. */
export type OpenStackLogin = Pick<OpenStackRegionConfig, 'authUrl' | 'user' | 'project' | 'applicationCredential'>;

/** The login of a tenant mapped to a project of its own, or null when it works in the region's project. */
export function tenantLogin(config: OpenStackRegionConfig, tenant: string): OpenStackLogin | null {
  const where = config.tenants[tenant.toUpperCase()];
  if (!where) return null;
  return 'project' in where ? { authUrl: config.authUrl, user: config.user, project: where.project } : { authUrl: config.authUrl, ...where };
}

/**
 * Checks a region's settings, naming every problem with its field (`user.domain: …`); the
 * password and secret are never echoed back.
 */
export function parseOpenStackConfig(input: unknown): OpenStackRegionConfig {
  const result = openStackRegionConfig.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'config'}: ${issue.message}`);
  throw new CloudError('invalid', `OpenStack region settings are not valid: ${problems.join('; ')}`);
}
