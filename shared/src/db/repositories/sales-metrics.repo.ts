import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../client';

export type SalesGroup = 'creator' | 'pack' | 'intent' | 'platform' | 'seller';

export interface SalesRow {
  key: string;
  label: string;
  currency: string;
  offers: number;
  purchases: number;
  /** purchases ÷ offers, or null with no offers. */
  conversion: number | null;
  revenueCents: number;
}

const GROUPS: Record<SalesGroup, { key: SQL; label: SQL }> = {
  creator: { key: sql`o.creator_id::text`, label: sql`max(cr.name)` },
  pack: { key: sql`o.pack_id::text`, label: sql`max(k.name)` },
  intent: { key: sql`coalesce(o.intent, 'manual')`, label: sql`coalesce(o.intent, 'manual')` },
  platform: { key: sql`a.platform`, label: sql`a.platform` },
  seller: {
    // The person who made the offer, or who approved the AI draft presenting it; else AI alone.
    key: sql`coalesce(o.offered_by_user_id::text, case when o.offered_by = 'ai' then 'ai' else 'human' end)`,
    label: sql`max(coalesce(u.email, case when o.offered_by = 'ai' then 'AI' else 'human' end))`,
  },
};

/**
 * Offers, purchases, conversion and revenue grouped one way, over offers made in
 * [from, to). A purchase counts with the offer it paid, unless it was refunded or charged back.
 */
export const salesMetricsRepo = {
  async summary(
    db: Db,
    options: { by: SalesGroup; creatorIds?: readonly string[]; from: Date; to: Date },
  ): Promise<SalesRow[]> {
    const group = GROUPS[options.by];
    const scope =
      options.creatorIds === undefined
        ? sql`true`
        : options.creatorIds.length === 0
          ? sql`false`
          : sql`o.creator_id in (${sql.join(
              options.creatorIds.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`;
    const rows = await selectRows<Record<string, unknown>>(
      db,
      sql`
      select ${group.key} as key, ${group.label} as label, o.currency as currency,
             count(distinct o.id)::int as offers,
             count(distinct p.id)::int as purchases,
             coalesce(sum(p.amount_cents), 0)::int as revenue_cents
      from offers o
      join creators cr on cr.id = o.creator_id
      join packs k on k.id = o.pack_id
      join conversations c on c.id = o.conversation_id
      join platform_accounts a on a.id = c.account_id
      left join users u on u.id = o.offered_by_user_id
      left join purchases p on p.offer_id = o.id and p.refunded_at is null
      where ${scope}
        and o.created_at >= ${options.from.toISOString()} and o.created_at < ${options.to.toISOString()}
      group by 1, o.currency
      order by revenue_cents desc, offers desc`,
    );
    return rows.map((r) => {
      const offers = Number(r.offers);
      const purchases = Number(r.purchases);
      return {
        key: String(r.key),
        label: String(r.label),
        currency: String(r.currency),
        offers,
        purchases,
        conversion: offers > 0 ? purchases / offers : null,
        revenueCents: Number(r.revenue_cents),
      };
    });
  },

  /** Per creator over [since, now): offers and how many were paid, for the conversion alert. */
  async conversionByCreator(
    db: Db,
    since: Date,
  ): Promise<{ creatorId: string; offers: number; purchases: number }[]> {
    const rows = await selectRows<Record<string, unknown>>(
      db,
      sql`
      select o.creator_id::text as creator_id, count(*)::int as offers,
             count(*) filter (where o.status = 'paid')::int as purchases
      from offers o
      where o.created_at >= ${since.toISOString()}
      group by o.creator_id`,
    );
    return rows.map((r) => ({
      creatorId: String(r.creator_id),
      offers: Number(r.offers),
      purchases: Number(r.purchases),
    }));
  },
};
