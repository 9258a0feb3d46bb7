import { sql } from 'drizzle-orm';
import { selectRows, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize, creatorScope } from '../http/authorize';
import { figures, type Decision, type Written } from './quality';

export const QUALITY_DEFINITIONS = {
  approvalWithoutEditRate:
    'AI drafts a person approved exactly as written, over the drafts they approved or rejected',
  editDistance:
    'mean edit distance between the draft and the text sent, over the longer of the two (0: unchanged, 1: rewritten), over approved drafts',
  written: 'replies the person typed themselves, without an AI draft',
  replyMedianMs:
    'median time from the fan’s message to the person’s approval of a draft or to their own first reply to it',
  conversion:
    'conversations where the person approved or wrote a reply that were followed by a purchase (not refunded) within the window, over those conversations',
} as const;

export function createQualityService(ctx: HubContext) {
  return {
    async get(actor: Actor, query: { days: number; creatorId?: string }) {
      authorize(actor, 'metrics:read');
      if (query.creatorId) authorize(actor, 'conversation:read', { creatorId: query.creatorId });
      const to = ctx.now();
      const from = new Date(to.getTime() - query.days * 86_400_000);
      const scope = creatorScope(actor, sql.raw('c.creator_id'), query.creatorId);
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
      // Replies typed without a draft; the reply time counts for the first answer to a fan's message.
      const typed = await selectRows<{
        who: string;
        email: string;
        creator_id: string;
        creator_name: string;
        conversation_id: string;
        reply_ms: number | null;
        converted: boolean;
      }>(
        ctx.db,
        sql`select m.author_id as who, u.email, c.creator_id, cr.name as creator_name, m.conversation_id,
              case when f.at is not null and not exists (
                select 1 from messages o where o.conversation_id = m.conversation_id and o.direction = 'out'
                  and o.created_at >= f.at and o.created_at < m.created_at)
              then (extract(epoch from (m.created_at - f.at)) * 1000)::float8 end as reply_ms,
              exists (select 1 from purchases p where p.conversation_id = m.conversation_id
                      and p.refunded_at is null and p.created_at >= m.created_at and p.created_at < ${to}) as converted
            from messages m
            join conversations c on c.id = m.conversation_id
            join creators cr on cr.id = c.creator_id
            join users u on u.id = m.author_id
            left join lateral (select max(i.created_at) as at from messages i
                               where i.conversation_id = m.conversation_id and i.direction = 'in'
                                 and i.created_at <= m.created_at) f on true
            where m.direction = 'out' and m.sender = 'human' and m.created_at >= ${from} and m.created_at < ${to}
              and ${scope}
            order by m.created_at desc limit 5000`,
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
      const writes = typed.map((r): Written & { email: string; creatorName: string } => ({
        who: r.who,
        email: r.email,
        creatorId: r.creator_id,
        creatorName: r.creator_name,
        conversationId: r.conversation_id,
        replyMs: r.reply_ms === null ? null : Math.max(0, Number(r.reply_ms)),
        converted: r.converted,
      }));
      type Named = { email: string; creatorName: string; who: string; creatorId: string };
      const group = (key: (d: Named) => string) => {
        const map = new Map<string, { first: Named; decisions: typeof decisions; written: typeof writes }>();
        const at = (d: Named) => {
          const k = key(d);
          if (!map.has(k)) map.set(k, { first: d, decisions: [], written: [] });
          return map.get(k)!;
        };
        for (const d of decisions) at(d).decisions.push(d);
        for (const w of writes) at(w).written.push(w);
        return [...map];
      };
      return {
        window: { from: from.toISOString(), to: to.toISOString(), days: query.days },
        definitions: QUALITY_DEFINITIONS,
        chatters: group((d) => d.who).map(([userId, g]) => ({
          userId,
          email: g.first.email,
          ...figures(g.decisions, g.written),
        })),
        creators: group((d) => d.creatorId).map(([creatorId, g]) => ({
          creatorId,
          creatorName: g.first.creatorName,
          ...figures(g.decisions, g.written),
        })),
      };
    },
  };
}

export type QualityService = ReturnType<typeof createQualityService>;
