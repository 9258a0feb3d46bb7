import { sql } from 'drizzle-orm';
import { selectRows, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { figures, type Decision } from './quality';

export const QUALITY_DEFINITIONS = {
  approvalWithoutEditRate:
    'AI drafts a person approved exactly as written, over the drafts they approved or rejected',
  editDistance:
    'mean edit distance between the draft and the text sent, over the longer of the two (0: unchanged, 1: rewritten), over approved drafts',
  replyMedianMs: 'median time from the fan’s message to the person’s approval',
  conversion:
    'conversations where the person approved a reply that were followed by a purchase (not refunded) within the window, over those conversations',
} as const;

export function createQualityService(ctx: HubContext) {
  return {
    async get(actor: Actor, query: { days: number; creatorId?: string }) {
      authorize(actor, 'metrics:read');
      if (query.creatorId) authorize(actor, 'conversation:read', { creatorId: query.creatorId });
      const to = ctx.now();
      const from = new Date(to.getTime() - query.days * 86_400_000);
      const scope =
        query.creatorId !== undefined
          ? sql`c.creator_id = ${query.creatorId}`
          : actor.role === 'admin'
            ? sql`true`
            : actor.creatorIds.length === 0
              ? sql`false`
              : sql`c.creator_id in (${sql.join(
                  actor.creatorIds.map((id) => sql`${id}::uuid`),
                  sql`, `,
                )})`;
      const rows = await selectRows<{
        who: string;
        email: string;
        creator_id: string;
        creator_name: string;
        conversation_id: string;
        status: 'approved' | 'rejected';
        text: string;
        edited_text: string | null;
        reply_ms: number;
        converted: boolean;
      }>(
        ctx.db,
        sql`select d.decided_by as who, u.email, c.creator_id, cr.name as creator_name, d.conversation_id,
              d.status, d.text, d.edited_text,
              (extract(epoch from (d.decided_at - m.created_at)) * 1000)::float8 as reply_ms,
              exists (select 1 from purchases p where p.conversation_id = d.conversation_id
                      and p.refunded_at is null and p.created_at >= d.decided_at and p.created_at < ${to}) as converted
            from drafts d
            join conversations c on c.id = d.conversation_id
            join creators cr on cr.id = c.creator_id
            join messages m on m.id = d.message_id
            join users u on u.id = d.decided_by
            where d.status in ('approved','rejected') and d.decided_at >= ${from} and d.decided_at < ${to}
              and ${scope}
            order by d.decided_at desc limit 5000`,
      );
      const decisions = rows.map((r): Decision & { email: string; creatorName: string } => ({
        who: r.who,
        email: r.email,
        creatorId: r.creator_id,
        creatorName: r.creator_name,
        conversationId: r.conversation_id,
        status: r.status,
        draft: r.text,
        edited: r.edited_text,
        replyMs: Math.max(0, Number(r.reply_ms)),
        converted: r.converted,
      }));
      const group = <K extends string>(key: (d: (typeof decisions)[number]) => K) => {
        const map = new Map<K, typeof decisions>();
        for (const d of decisions) map.set(key(d), [...(map.get(key(d)) ?? []), d]);
        return map;
      };
      return {
        window: { from: from.toISOString(), to: to.toISOString(), days: query.days },
        definitions: QUALITY_DEFINITIONS,
        chatters: [...group((d) => d.who)].map(([userId, list]) => ({
          userId,
          email: list[0]!.email,
          ...figures(list),
        })),
        creators: [...group((d) => d.creatorId)].map(([creatorId, list]) => ({
          creatorId,
          creatorName: list[0]!.creatorName,
          ...figures(list),
        })),
      };
    },
  };
}

export type QualityService = ReturnType<typeof createQualityService>;
