import { sql } from 'drizzle-orm';
import { inCreators, selectRows, type Db } from '@velvet/shared';

/** What a notification says about one draft. */
export async function draftForPush(db: Db, draftId: string) {
  const [row] = await selectRows<{
    status: string;
    creatorId: string;
    creatorName: string;
    fanName: string;
    fanText: string;
  }>(
    db,
    sql`select d.status, c.creator_id as "creatorId", cr.pseudonym as "creatorName",
               f.display_name as "fanName", m.text as "fanText"
        from drafts d
        join conversations c on c.id = d.conversation_id
        join creators cr on cr.id = c.creator_id
        join fans f on f.id = c.fan_id
        join messages m on m.id = d.message_id
        where d.id = ${draftId}`,
  );
  return row;
}

/** Drafts that started waiting after `since` and still wait, in a scope (null: all creators). */
export async function pendingSince(db: Db, scope: readonly string[] | null, since: Date) {
  const [row] = await selectRows<{ n: number; newest: string | null }>(
    db,
    sql`select count(*)::int as n, (array_agg(d.id order by d.updated_at desc))[1] as newest
        from drafts d join conversations c on c.id = d.conversation_id
        where d.status = 'pending_approval' and d.updated_at > ${since.toISOString()}
          ${scope ? sql`and ${inCreators(sql`c.creator_id`, scope)}` : sql``}`,
  );
  return { count: row?.n ?? 0, newestDraftId: row?.newest ?? null };
}
