import type { Queryable } from '../store/database.js';
import { systemActor, type Actor } from './actor.js';

/**
 * Whom Maestro acts as when it does later what a user set up (an approved request, a schedule):
 * the user as they are now, so their current permissions apply; null when they are gone or
 * disabled. Something a system actor set up (no user id) runs as that system actor.
 */
export async function actingAs(db: Queryable, who: { id: string | null; name: string }): Promise<Actor | null> {
  if (who.id === null) return systemActor(who.name);
  const { rows } = await db.query<{ id: string; name: string; systemAdmin: boolean; customerId: string | null; status: string }>(
    'SELECT id, name, system_admin AS "systemAdmin", customer_id AS "customerId", status FROM users WHERE id = $1',
    [who.id],
  );
  const user = rows[0];
  if (!user || user.status !== 'active') return null;
  return { kind: 'user', userId: user.id, name: user.name, systemAdmin: user.systemAdmin, customerId: user.customerId, accessKey: null };
}
