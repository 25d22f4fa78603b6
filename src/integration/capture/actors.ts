import type { HubContext } from '../hub-schemas.js';
import { AuthListSchema } from './hub-payloads.js';

/**
 * Who made a change, from its context: a `person` (a user who is not system-generated: the UI,
 * the app, a voice command), the `system` (add-ons, the Supervisor, Home Assistant's own users),
 * an `automation` or script (a context with a parent: a reaction to something), or a `device`
 * (a physical change: no user and no parent).
 */
export type Actor = 'person' | 'system' | 'automation' | 'device';

export function actorOf(context: HubContext, systemUserIds: ReadonlySet<string>): Actor {
  if (context.user_id !== null) return systemUserIds.has(context.user_id) ? 'system' : 'person';
  return context.parent_id !== null ? 'automation' : 'device';
}

/** The ids of system-generated users in a `config/auth/list` answer; an answer that does not validate gives none. */
export function systemUserIds(authList: unknown): Set<string> {
  const parsed = AuthListSchema.safeParse(authList);
  if (!parsed.success) return new Set();
  return new Set(parsed.data.filter((user) => user.system_generated === true).map((user) => user.id));
}
