import type { PublicBillingCloud } from '../../../protocol/billing-import.js';

/**
 * The Maestro cloud of a FOCUS ProviderName. Each provider writes its own name ("AWS",
 * "Microsoft", "Google Cloud", "Oracle"); the usual variants are accepted too.
 */
const cloudByProvider: ReadonlyMap<string, PublicBillingCloud> = new Map([
  ['aws', 'AWS'],
  ['amazon web services', 'AWS'],
  ['amazon', 'AWS'],
  ['microsoft', 'AZURE'],
  ['microsoft azure', 'AZURE'],
  ['azure', 'AZURE'],
  ['google cloud', 'GOOGLE'],
  ['google cloud platform', 'GOOGLE'],
  ['google', 'GOOGLE'],
  ['gcp', 'GOOGLE'],
  ['oracle', 'OCI'],
  ['oracle cloud infrastructure', 'OCI'],
  ['oci', 'OCI'],
]);

export function cloudOfProvider(provider: string): PublicBillingCloud | undefined {
  return cloudByProvider.get(provider.trim().toLowerCase());
}

/**
 * How an account id is compared: Azure ids (subscription GUIDs, resource ids) are
 * case-insensitive, AWS account ids are digits, GCP project ids are lower case already.
 */
export function accountKey(cloud: PublicBillingCloud, account: string): string {
  return cloud === 'AZURE' ? account.toLowerCase() : account;
}
