import type { z } from 'zod';
import { referenceActions } from './reference.js';

/**
 * Messages on the compatible endpoint in the words of the person reading them: a user of the
 * published m3 client knows its commands and options, not Maestro's CLI or the wire names.
 */

/** Hints of Maestro's own commands that have an m3 command doing the same. */
const m3Equivalents: readonly (readonly [RegExp, string])[] = [
  [/`maestro regions describe`/g, '`m3 describe-regions`'],
  [/`maestro tenants describe`/g, '`m3 describe-tenants`'],
  [/`maestro instances describe`/g, '`m3 describe-instances`'],
  [/`maestro instances set-termination-protection --enabled false`/g, '`m3 manage-termination-protection --action DISABLE`'],
  [/`maestro images describe`/g, '`m3 describe-images`'],
  [/`maestro volumes describe`/g, '`m3 describe-storages`'],
  [/`maestro shapes describe --region [^`]*`/g, '`m3 describe-shapes`'],
  [/`maestro ssh-keys describe`/g, '`m3 describe-keys`'],
  [/`maestro ssh-keys create`/g, '`m3 create-key` or `m3 import-key`'],
  [/`maestro schedules describe`/g, '`m3 describe-schedules`'],
  [/`maestro tags delete`/g, '`m3 delete-tags`'],
  [/`maestro resources describe`/g, '`m3 describe-resources`'],
  [/`maestro permissions describe-user`/g, '`m3 describe-user-permissions`'],
  [/`maestro quotas describe-daily`/g, '`m3 describe-instance-quota` or `m3 describe-storage-quota`'],
  [/`maestro networks describe`/g, '`m3 describe-vlans`'],
  [/`maestro networks activate`/g, '`m3 activate-vlan`'],
  [/`maestro public-ips describe`/g, '`m3 describe-ip`'],
  [/`maestro public-ips allocate`/g, '`m3 allocate-ip`'],
  [/`maestro public-ips release`/g, '`m3 release-ip`'],
];

/** A message with Maestro's command hints replaced by the m3 commands that do the same (others, an administrator's, stay). */
export function inClientWords(message: string): string {
  return m3Equivalents.reduce((text, [hint, m3]) => text.replace(hint, m3), message);
}

/** The m3 commands that send an action, for messages: `describe-instances`, or `total-report, report`. */
export function commandsOf(action: string): string | null {
  const commands = referenceActions().get(action);
  return commands ? commands.map((c) => `m3 ${c.command}`).join(', ') : null;
}

/** The m3 option of a wire parameter of an action (`instanceIds` → `--instance-id`), when the client has one. */
function optionOf(action: string, wireName: string): string | null {
  for (const command of referenceActions().get(action) ?? []) {
    const parameter = command.parameters.find((p) => p.wireName === wireName);
    if (parameter) return `--${parameter.option}`;
  }
  return null;
}

/**
 * Parameter problems named by the wire name (what the SDKs and the Terraform provider send) and
 * the m3 command and option a user typed: `m3 create-attach-storage: sizeInGB: must be a number (--size)`.
 */
export function paramsProblem(action: string, error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const [wireName, ...rest] = issue.path.map(String);
    if (wireName === undefined) return `parameters: ${issue.message}`;
    const option = optionOf(action, wireName);
    const where = [wireName, ...rest].join('.');
    return `${where}: ${issue.message}${option ? ` (${option})` : ''}`;
  });
  return `${commandsOf(action) ?? action}: ${problems.join('; ')}`;
}
