import { can, NotFound, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { approvalsQueries, type Scope } from './approvals.queries';
import { presentApproval } from './approvals.presenter';
import type { ListDraftsQuery } from './drafts.schema';

/** The creators whose drafts this user may decide on; null for every creator. */
function decideScope(actor: Actor): Scope {
  if (actor.role === 'admin') return null;
  return actor.creatorIds.filter((creatorId) => can(actor, 'draft:decide', { creatorId }));
}

/** Drafts waiting for a person, as approval cards, and the person's own figures. */
export function createApprovalsService(ctx: HubContext) {
  return {
    async list(actor: Actor, query: ListDraftsQuery) {
      if (query.creatorId) authorize(actor, 'draft:decide', { creatorId: query.creatorId });
      const rows = await approvalsQueries.list(ctx.db, { ...query, scope: decideScope(actor) });
      const now = ctx.now();
      return { drafts: rows.map((row) => presentApproval(row, now)) };
    },

    async get(actor: Actor, draftId: string) {
      const row = await approvalsQueries.byId(ctx.db, draftId);
      // Out of scope reads as absent: ids of other creators' drafts are not confirmed.
      if (!row || !can(actor, 'draft:decide', { creatorId: row.creatorId })) throw new NotFound('Draft');
      return { draft: presentApproval(row, ctx.now()) };
    },

    async stats(actor: Actor, since: Date) {
      authorize(actor, 'draft:decide');
      return approvalsQueries.stats(ctx.db, { scope: decideScope(actor), userId: actor.id, since });
    },
  };
}

export type ApprovalsService = ReturnType<typeof createApprovalsService>;
