import { z } from 'zod';
import type { CloudKind } from '../../../protocol/clouds.js';
import type { Instance } from '../../../protocol/commands/compute-schemas.js';
import { AppError, invalidInput, notFound } from '../../../protocol/errors.js';
import { epochMs, everyPage, type Commands } from '../action.js';
import { answersTo, regionNamed, regionsAnswering } from '../client-clouds.js';
import { m3 } from '../params.js';

/**
 * Helpers shared by the compute actions (compute-*.ts): the parameter types the compute commands
 * of the published clients send, and the lookups that translate a client's (tenant, region, id)
 * addressing into ours, where resources are found by id within a tenant.
 */


/** Tenant and region names are upper-case identifiers in our API; upper-cased here for messages and comparisons. */
const upperName = () => m3.text(64).transform((name) => name.toUpperCase());
export const tenantParam = upperName;
export const regionParam = upperName;

/**
 * Tags of a new resource: `{key1: value1, …}` (what the command-line client makes of
 * `--tag key1:val1,key2:val2`), `[{key, value}, …]` or that text itself.
 */
export const tagMapParam = () => {
  const pairs = z.array(m3.tag()).transform((list) => Object.fromEntries(list.map((tag) => [tag.key, tag.value])));
  return z.union([
    z.strictObject({ key: z.string(), value: z.string() }).transform((tag) => ({ [tag.key]: tag.value })),
    z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
    pairs,
    z.string().transform((text, ctx) => {
      const parsed = pairs.safeParse(text.split(',').filter((item) => item.trim() !== ''));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'must be tags key1:value1,key2:value2' });
      return z.NEVER;
    }),
  ]);
};

/** One tag to filter by: `{key, value}`, `key:value`, or `{key: value}` (one entry). */
export const tagFilterParam = () =>
  z.union([
    m3.tag(),
    z
      .record(z.string(), z.string())
      .refine((value) => Object.keys(value).length === 1, 'must be one tag')
      .transform((value) => {
        const [key, tagValue] = Object.entries(value)[0]!;
        return { key, value: tagValue };
      }),
  ]);

/**
 * Refuses a region the client named with a cloud it is not in: our commands find the cloud from
 * the region, so the run would otherwise happen somewhere the caller did not ask for. A region the
 * caller cannot see is left to the command, which says why (unknown, or not the caller's).
 * Returns the cloud the clients know the region by (null when the caller cannot see it).
 */
export async function refuseOtherCloud(maestro: Commands, region: string, cloud: CloudKind | null): Promise<CloudKind | null> {
  const found = await regionNamed(maestro, region);
  if (found && !answersTo(found, cloud)) {
    throw invalidInput(`region ${found.name} is in cloud ${found.clientCloud}, not ${cloud ?? 'the cloud given (this server has none of it)'}`, {
      field: 'cloud',
    });
  }
  return found?.clientCloud ?? null;
}

/** An instance the client addressed by tenant, region and id; not found when it runs elsewhere. */
export async function instanceInRegion(maestro: Commands, tenant: string, region: string, id: string): Promise<Instance> {
  const [found] = (await maestro.instances.describe({ tenant, region, ids: [id] })).items;
  if (!found) throw notFound('instance', id, `tenant ${tenant} has no such instance in region ${region}; describe-instances lists them`);
  return found;
}

/**
 * The tenants a tenant-optional call looks at: the one named, else every tenant the caller sees;
 * narrowed to those active in `region` or in a region of `cloud` when given (our keys belong to a
 * tenant and serve all its regions).
 */
export async function tenantsWhere(
  maestro: Commands,
  where: { tenant?: string | undefined; region?: string | undefined; cloud?: CloudKind | null | undefined },
): Promise<string[]> {
  // Nothing to narrow: the command itself checks the tenant and the caller's access to it.
  if (where.tenant !== undefined && where.region === undefined && where.cloud === undefined) return [where.tenant];
  const tenants =
    where.tenant !== undefined
      ? (await maestro.tenants.describe({ name: where.tenant })).items
      : await everyPage((page) => maestro.tenants.describe(page));
  if (where.tenant !== undefined && tenants.length === 0) throw notFound('tenant', where.tenant, 'describe-tenants lists yours');
  const { cloud, region } = where;
  const ofCloud = cloud === undefined ? null : new Set((await regionsAnswering(maestro, cloud)).map((r) => r.name));
  return tenants
    .filter((t) => (region === undefined || t.regions.includes(region)) && (ofCloud === null || t.regions.some((r) => ofCloud.has(r))))
    .map((t) => t.name);
}

/** Failures about the caller rather than the resource: they fail the whole call, not one row. */
export const isCallerProblem = (error: unknown) => !(error instanceof AppError) || error.kind === 'forbidden' || error.kind === 'license';

export const isForbidden = (error: unknown) => error instanceof AppError && error.kind === 'forbidden';

/** An instance as the clients display it (describe-instances), with our extra details; `cloud` is its region's client cloud. */
export function instanceView(i: Instance, cloud: CloudKind | null) {
  return {
    instanceId: i.id,
    instanceName: i.name,
    state: i.state,
    privateIpAddress: i.publicIp?.privateAddress ?? null,
    publicIpAddress: i.publicIp?.address ?? null,
    keyName: i.keyName,
    imageId: i.image,
    owner: i.owner,
    platform: null,
    publicDnsName: null,
    shape: i.shape,
    // The command-line client shows instanceType under "shape"; ours are named shapes only.
    instanceType: i.shape,
    cpuCount: i.cpu,
    memoryGb: i.ramGb,
    storageGb: i.diskGb,
    instanceStopDate: epochMs(i.stopAfter),
    instanceTerminationDate: epochMs(i.terminateAfter),
    insightsIndex: null,
    cloud,
    region: i.region,
    tenantName: i.tenant,
    nativeInstanceId: i.nativeId,
    terminationProtection: i.terminationProtection,
    tags: i.tags,
    creationDateTimestamp: epochMs(i.launchedAt),
  };
}
