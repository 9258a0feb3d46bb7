import { sql } from 'drizzle-orm';
import { selectRows, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize, creatorScope } from '../http/authorize';
import type { SatisfactionView } from './satisfaction.schema';

interface Row {
  creator_id: string;
  creator_name: string;
  user_id: string | null;
  email: string | null;
  asked: number;
  answered: number;
  score_sum: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
}

type Figures = SatisfactionView['total'];

function figures(rows: readonly Row[]): Figures {
  const sum = (key: keyof Row) => rows.reduce((n, r) => n + Number(r[key]), 0);
  const asked = sum('asked');
  const answered = sum('answered');
  return {
    asked,
    answered,
    responseRate: asked > 0 ? answered / asked : null,
    average: answered > 0 ? Math.round((sum('score_sum') / answered) * 100) / 100 : null,
    scores: [sum('s1'), sum('s2'), sum('s3'), sum('s4'), sum('s5')],
  };
}

function groupBy<K>(rows: readonly Row[], key: (r: Row) => K): Map<K, Row[]> {
  const map = new Map<K, Row[]>();
  for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return map;
}

export function createSatisfactionService(ctx: HubContext) {
  return {
    async get(actor: Actor, query: { days: number; creatorId?: string }): Promise<SatisfactionView> {
      authorize(actor, 'metrics:read');
      if (query.creatorId) authorize(actor, 'conversation:read', { creatorId: query.creatorId });
      const to = ctx.now();
      const from = new Date(to.getTime() - query.days * 86_400_000);
      const scope = creatorScope(actor, sql.raw('s.creator_id'), query.creatorId);
      // One row per creator and credited person; the groupings below add them up.
      const rows = await selectRows<Row>(
        ctx.db,
        sql`select s.creator_id, cr.name as creator_name, s.user_id, u.email,
              count(*)::int as asked,
              count(s.score)::int as answered,
              coalesce(sum(s.score), 0)::int as score_sum,
              count(*) filter (where s.score = 1)::int as s1,
              count(*) filter (where s.score = 2)::int as s2,
              count(*) filter (where s.score = 3)::int as s3,
              count(*) filter (where s.score = 4)::int as s4,
              count(*) filter (where s.score = 5)::int as s5
            from satisfaction_surveys s
            join creators cr on cr.id = s.creator_id
            left join users u on u.id = s.user_id
            where s.sent_at >= ${from} and s.sent_at < ${to} and ${scope}
            group by s.creator_id, cr.name, s.user_id, u.email
            order by cr.name, u.email`,
      );
      return {
        window: { from: from.toISOString(), to: to.toISOString(), days: query.days },
        total: figures(rows),
        creators: [...groupBy(rows, (r) => r.creator_id)].map(([creatorId, list]) => ({
          creatorId,
          creatorName: list[0]!.creator_name,
          ...figures(list),
        })),
        chatters: [
          ...groupBy(
            rows.filter((r) => r.user_id !== null && r.email !== null),
            (r) => r.user_id!,
          ),
        ].map(([userId, list]) => ({ userId, email: list[0]!.email!, ...figures(list) })),
      };
    },
  };
}

export type SatisfactionService = ReturnType<typeof createSatisfactionService>;
