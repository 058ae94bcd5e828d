import type { CommandDefinition } from '../protocol/command.js';
import { AppError, forbidden } from '../protocol/errors.js';
import type { Actor } from './actor.js';

/**
 * Decides from a command's definition alone whether the actor may call it at all. For now the
 * administrative interface belongs to system administrators and tenant users reach the `user`
 * commands, whose handlers scope what they see to the user's own tenants and keys. The
 * permission-group resolver (roles, mappings, editions) replaces this function.
 */
export function authorize(command: CommandDefinition, actor: Actor): void {
  if (command.audience === 'public') return;
  if (actor.kind === 'anonymous') {
    throw new AppError('unauthenticated', `${command.name} needs a signed request; sign it with an access key and secret key`);
  }
  if (actor.systemAdmin) return;
  if (command.audience === 'admin') {
    throw forbidden(`${command.name} needs the permission ${command.permission}, which only administrators have`, {
      permission: command.permission,
    });
  }
}
