import { sql } from 'drizzle-orm';
import { analyticsRepo, selectRows, zonedInstant, type Db, type PublishPlatform } from '@velvet/shared';

const DAY = 86_400_000;

/**
 * A published history on one account, stored as the collector stores it: every other day
 * over `days` days, one post at each local hour of `hours` (in `timeZone`), each with the
 * engagement rate `rates[hour]` (else `otherRate`) two days after it went out.
 */
export async function publishedHistory(
  db: Db,
  input: {
    creatorId: string;
    accountId: string;
    platform: PublishPlatform;
    timeZone: string;
    hours: readonly number[];
    rates: Record<number, number>;
    otherRate?: number;
    days: number;
  },
): Promise<{ first: Date; posts: number }> {
  const firstDay = new Date(Date.now() - (input.days + 1) * DAY).toISOString().slice(0, 10);
  const first = zonedInstant(firstDay, 0, input.timeZone);
  let n = 0;
  for (let d = 0; d < input.days; d += 2) {
    const date = new Date(first.getTime() + d * DAY + 12 * 3600_000).toISOString().slice(0, 10);
    for (const hour of input.hours) {
      const at = zonedInstant(date, hour * 60, input.timeZone);
      const [post] = await selectRows<{ id: string }>(
        db,
        sql`insert into posts (creator_id, kind, text)
            values (${input.creatorId}, 'text_photo', ${`Post ${n}`}) returning id`,
      );
      const [target] = await selectRows<{ id: string }>(
        db,
        sql`insert into post_targets (post_id, account_id, platform, state, remote_id)
            values (${post!.id}, ${input.accountId}, ${input.platform}, 'published', ${`r${n}`}) returning id`,
      );
      const views = 1000 + ((n * 37) % 200);
      const rate = input.rates[hour] ?? input.otherRate ?? 0.05;
      await analyticsRepo.recordSnapshot(db, {
        targetId: target!.id,
        creatorId: input.creatorId,
        platform: input.platform,
        kind: 'text_photo',
        publishedAt: at,
        capturedAt: new Date(at.getTime() + 48 * 3600_000),
        metrics: { likes: Math.round(views * rate), comments: 0, shares: 1, views },
      });
      n++;
    }
  }
  return { first, posts: n };
}
