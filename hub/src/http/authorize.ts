import { sql, type SQL } from 'drizzle-orm';
import { can, Forbidden, type Action, type Actor, type Resource } from '@velvet/shared';

/** Throws Forbidden unless the policy allows it; the only way services check access. */
export function authorize(actor: Actor, action: Action, resource?: Resource): void {
  if (!can(actor, action, resource)) throw new Forbidden();
}

/**
 * The creators an actor may read, as a condition on a creator id column: one creator when
 * asked for (the caller has checked it), all for an admin, the actor's own otherwise.
 */
export function creatorScope(actor: Actor, column: SQL, creatorId?: string): SQL {
  if (creatorId !== undefined) return sql`${column} = ${creatorId}`;
  if (actor.role === 'admin') return sql`true`;
  if (actor.creatorIds.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(
    actor.creatorIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}
