import type { CloudKind } from '../protocol/clouds.js';
import { cloudKinds } from '../protocol/clouds.js';
import { invalidInput } from '../protocol/errors.js';

/**
 * Tag rules that differ per cloud (seed §3.3.2): how tag names compare, which key prefixes are
 * reserved, and how many tags a resource may carry. Pure, and the one implementation behind every
 * command that sets tags: instances.run, volumes.create, tags.set and tags.delete.
 */
export const MAX_TAGS = 50;

export type TagSet = Record<string, string>;

export interface TagRules {
  tagMatching: 'case-sensitive' | 'case-insensitive';
  reservedTagPrefixes: readonly string[];
}

/** Where a cloud's rules come from when this node has a driver for it (the DriverRegistry). */
export interface TagRuleSource {
  has(cloud: CloudKind): boolean;
  get(cloud: CloudKind): { capabilities: TagRules };
}

/**
 * The rules of each cloud as the seed states them, for clouds this node has no driver for: their
 * regions can be registered and their resources listed before a driver exists. AWS and Azure
 * compare tag names exactly; Google, OpenStack and the private clouds case-insensitively.
 */
const knownTagRules: Record<CloudKind, TagRules> = {
  AWS: { tagMatching: 'case-sensitive', reservedTagPrefixes: ['aws:'] },
  AZURE: { tagMatching: 'case-sensitive', reservedTagPrefixes: ['microsoft', 'azure', 'windows'] },
  GOOGLE: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
  // Oracle compares tag keys case-insensitively; `oracle` namespaces are its own.
  OCI: { tagMatching: 'case-insensitive', reservedTagPrefixes: ['oracle'] },
  OPEN_STACK: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
  VSPHERE: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
  VCD: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
  NUTANIX: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
  SIMULATED: { tagMatching: 'case-insensitive', reservedTagPrefixes: [] },
};

/** How a cloud compares tag names and which key prefixes it reserves; a registered driver's own capabilities win. */
export function tagRulesOf(clouds: TagRuleSource, cloud: CloudKind): TagRules {
  if (clouds.has(cloud)) {
    const { tagMatching, reservedTagPrefixes } = clouds.get(cloud).capabilities;
    return { tagMatching, reservedTagPrefixes };
  }
  return knownTagRules[cloud];
}

/** The clouds whose tag names match case-insensitively (they are filtered on `tags_folded`). */
export function caseInsensitiveClouds(clouds: TagRuleSource): CloudKind[] {
  return cloudKinds.filter((cloud) => tagRulesOf(clouds, cloud).tagMatching === 'case-insensitive');
}

/** The key already in `tags` that `key` names under the cloud's rules, if any. */
function sameKey(tags: TagSet, key: string, rules: TagRules): string | undefined {
  if (Object.hasOwn(tags, key)) return key;
  if (rules.tagMatching === 'case-sensitive') return undefined;
  const folded = key.toLowerCase();
  return Object.keys(tags).find((existing) => existing.toLowerCase() === folded);
}

/** Refuses requested keys the cloud reserves, and two requested keys that are one key on this cloud. */
function refuseInvalidKeys(requested: TagSet, rules: TagRules, cloud: string): void {
  const reserved: string[] = [];
  for (const key of Object.keys(requested)) {
    const prefix = rules.reservedTagPrefixes.find((p) => key.toLowerCase().startsWith(p.toLowerCase()));
    if (prefix) reserved.push(`tag key '${key}' starts with '${prefix}', which ${cloud} reserves`);
  }
  if (reserved.length > 0) throw invalidInput(`${reserved.join('; ')}; choose other tag keys`, { field: 'tags' });
  if (rules.tagMatching === 'case-sensitive') return;
  const seen = new Map<string, string>();
  for (const key of Object.keys(requested)) {
    const other = seen.get(key.toLowerCase());
    if (other !== undefined) {
      throw invalidInput(`tag keys '${other}' and '${key}' are the same key in ${cloud}, which ignores case in tag names; give one of them`, {
        field: 'tags',
        keys: [other, key],
      });
    }
    seen.set(key.toLowerCase(), key);
  }
}

export interface TagMerge {
  /** The resource's whole new tag set. */
  tags: TagSet;
  /** The tags that are new or whose value (or, on case-insensitive clouds, spelling) changed. */
  changed: TagSet;
}

/**
 * Merges requested tags into a resource's tags under its cloud's rules: reserved key prefixes are
 * refused, at most MAX_TAGS remain, and on clouds that compare tag names case-insensitively two
 * requested keys may not differ only in case, and a key replaces the existing one it equals
 * ('env' replaces 'Env'), so the two never coexist.
 */
export function mergeTags(existing: TagSet, requested: TagSet, rules: TagRules, cloud: string): TagMerge {
  refuseInvalidKeys(requested, rules, cloud);
  // Maps, not object assignment: a key such as '__proto__' must stay an ordinary tag.
  const merged = new Map(Object.entries(existing));
  const changed = new Map<string, string>();
  for (const [key, value] of Object.entries(requested)) {
    const current = sameKey(existing, key, rules);
    if (current === key && existing[key] === value) continue;
    if (current !== undefined) merged.delete(current);
    merged.set(key, value);
    changed.set(key, value);
  }
  const count = merged.size;
  if (count > MAX_TAGS) {
    const already = Object.keys(existing).length;
    throw invalidInput(
      already === 0
        ? `a resource carries at most ${MAX_TAGS} tags and ${count} were given; give fewer`
        : `a resource carries at most ${MAX_TAGS} tags and this would give it ${count} (${already} already there); ` +
            'remove some with `maestro tags delete` first',
      { field: 'tags', count },
    );
  }
  return { tags: Object.fromEntries(merged), changed: Object.fromEntries(changed) };
}

/** The tags of a new resource (instances.run, volumes.create): checked exactly as tags.set checks them. */
export function newResourceTags(requested: TagSet, rules: TagRules, cloud: string): TagSet {
  return mergeTags({}, requested, rules, cloud).tags;
}

/** Removes tags by key (matched as the cloud matches tag names); every key must be there. */
export function removeTags(existing: TagSet, keys: readonly string[], rules: TagRules): { tags: TagSet; removed: string[] } {
  const removed = new Set<string>();
  const missing: string[] = [];
  for (const key of keys) {
    const current = sameKey(existing, key, rules);
    if (current === undefined) missing.push(key);
    else removed.add(current);
  }
  if (missing.length > 0) {
    const present = Object.keys(existing).sort();
    throw invalidInput(
      `the resource has no tag ${missing.map((k) => `'${k}'`).join(', ')}; ` +
        (present.length > 0 ? `its tag keys are ${present.map((k) => `'${k}'`).join(', ')}` : 'it has no tags at all'),
      { field: 'keys', missing, existing: present },
    );
  }
  const tags = Object.fromEntries(Object.entries(existing).filter(([key]) => !removed.has(key)));
  return { tags, removed: [...removed] };
}
