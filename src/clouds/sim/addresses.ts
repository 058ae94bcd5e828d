/**
 * IPv4 arithmetic for the simulator's networks: the n-th host address of a CIDR block. Host 0 is
 * the network, host 1 its gateway and the last the broadcast address, so hosts 2 … size-2 are
 * given out.
 */

export interface Block {
  base: number;
  prefix: number;
}

export function parseCidr(cidr: string): Block {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) throw new Error(`${cidr} is not an IPv4 block from /8 to /30`);
  const base = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { base: base - (base % 2 ** (32 - prefix)), prefix };
}

/** The highest host number a block gives out. */
export const lastHost = (block: Block): number => 2 ** (32 - block.prefix) - 2;

export function hostAddress(block: Block, host: number): string {
  const value = block.base + host;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
