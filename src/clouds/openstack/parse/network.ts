import { z } from 'zod';
import type { CloudNetwork, CloudPublicIp, CloudSecurityGroup } from '../../driver.js';
import type { Page } from '../../paging.js';
import { readAnswer } from './json.js';

/** Neutron's `<collection>_links`: the address of the next page, if any. */
const links = z.array(z.object({ rel: z.string(), href: z.string() })).optional();
const next = (list: z.output<typeof links>) => list?.find((l) => l.rel === 'next')?.href ?? null;

/** A page of a Neutron collection (`networks`, `floatingips` …), items read with `item`. */
function pageReader<S extends z.ZodType>(collection: string, item: S) {
  const schema = z.object({ [collection]: z.array(item), [`${collection}_links`]: links });
  return (text: string): Page<z.output<S>, string> => {
    const body = readAnswer(schema, text, `a page of ${collection}`) as Record<string, unknown>;
    return { items: body[collection] as z.output<S>[], next: next(body[`${collection}_links`] as z.output<typeof links>) };
  };
}

const neutronNetwork = z.object({
  id: z.string(),
  name: z.string().default(''),
  shared: z.boolean().default(false),
  'router:external': z.boolean().default(false),
  subnets: z.array(z.string()).default([]),
});
export const readNetworkPage = pageReader('networks', neutronNetwork);

const neutronSubnet = z.object({ id: z.string(), network_id: z.string(), cidr: z.string() });
export const readSubnetPage = pageReader('subnets', neutronSubnet);

/** A network with the address ranges of its subnets. */
export function networkOf(network: z.output<typeof neutronNetwork>, subnets: ReadonlyArray<z.output<typeof neutronSubnet>>): CloudNetwork {
  return {
    nativeId: network.id,
    name: network.name,
    external: network['router:external'],
    shared: network.shared,
    cidrs: subnets.filter((s) => s.network_id === network.id).map((s) => s.cidr),
  };
}

const neutronSecurityGroup = z.object({ id: z.string(), name: z.string(), description: z.string().nullish() });
export const readSecurityGroupPage = pageReader('security_groups', neutronSecurityGroup);
export const securityGroupOf = (group: z.output<typeof neutronSecurityGroup>): CloudSecurityGroup => ({
  nativeId: group.id,
  name: group.name,
  description: group.description ?? '',
});

export const neutronFloatingIp = z.object({
  id: z.string(),
  floating_ip_address: z.string(),
  floating_network_id: z.string(),
  fixed_ip_address: z.string().nullish(),
  port_id: z.string().nullish(),
  // The fip-port-details extension names the server behind the port.
  port_details: z.object({ device_id: z.string().nullish() }).nullish(),
});
export type NeutronFloatingIp = z.output<typeof neutronFloatingIp>;
export const readFloatingIpPage = pageReader('floatingips', neutronFloatingIp);
export const readFloatingIp = (text: string) => readAnswer(z.object({ floatingip: neutronFloatingIp }), text, 'a floating IP').floatingip;

/** A floating IP in the platform's terms; `deviceOf` names the server of a port when Neutron does not. */
export function publicIpOf(ip: NeutronFloatingIp, deviceOf: (portId: string) => string | null = () => null): CloudPublicIp {
  const port = ip.port_id ?? null;
  return {
    nativeId: ip.id,
    address: ip.floating_ip_address,
    networkNativeId: ip.floating_network_id,
    instanceNativeId: port === null ? null : (ip.port_details?.device_id || deviceOf(port)),
    privateAddress: port === null ? null : (ip.fixed_ip_address ?? null),
  };
}

const neutronPort = z.object({ id: z.string(), device_id: z.string().default(''), fixed_ips: z.array(z.object({ ip_address: z.string() })).default([]) });
export const readPortPage = pageReader('ports', neutronPort);
