import { can, Forbidden, type Action, type Actor, type Resource } from '@velvet/shared';

/** Throws Forbidden unless the policy allows it; the only way services check access. */
export function authorize(actor: Actor, action: Action, resource?: Resource): void {
  if (!can(actor, action, resource)) throw new Forbidden();
}
