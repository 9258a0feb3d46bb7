import { sql, type SQL } from 'drizzle-orm';
import { preparedRows, type Db } from '../client';

/** One purchase as the drafting prompt tells it, newest first. */
export interface ContextPurchase {
  packName: string | null;
  amountCents: number;
  currency: string;
  refunded: boolean;
  at: Date;
}

/** One offer the fan has not answered yet. */
export interface ContextOffer {
  packName: string;
  priceCents: number;
  currency: string;
  expiresAt: Date;
}

/** What the fan bought and what is still offered to them, beside the fan row a job already has. */
export interface FanContextRows {
  purchases: ContextPurchase[];
  /** Purchases beyond the ones listed: counted, not listed. */
  purchasesTotal: number;
  openOffers: ContextOffer[];
}

/** The statement's one row, as PostgreSQL returns it (json columns). */
export interface FanContextRow {
  purchases: {
    pack_name: string | null;
    amount_cents: number;
    currency: string;
    refunded: boolean;
    at: string;
  }[];
  purchases_total: number;
  open_offers: { pack_name: string; price_cents: number; currency: string; expires_at: string }[];
}

/**
 * The fan's context as one json object, for the fan `fanId` (a value, or a column of the
 * statement it is part of): the draft job reads it with the message's scene.
 */
export function fanContextJson(fanId: SQL | string, limit: number): SQL {
  return sql`json_build_object(
        'purchases', coalesce((select json_agg(p order by p.at desc) from (
          select pk.name as pack_name, pu.amount_cents, pu.currency,
                 pu.refunded_at is not null as refunded, pu.created_at as at
          from purchases pu left join packs pk on pk.id = pu.pack_id
          where pu.fan_id = ${fanId}
          order by pu.created_at desc limit ${limit}) p), '[]'::json),
        'purchases_total', (select count(*)::int from purchases where fan_id = ${fanId}),
        'open_offers', coalesce((select json_agg(o order by o.expires_at) from (
          select pk.name as pack_name, o.price_cents, o.currency, o.expires_at
          from offers o join packs pk on pk.id = o.pack_id
          where o.fan_id = ${fanId} and o.status = 'open' and o.expires_at > now()
          order by o.expires_at limit 5) o), '[]'::json))`;
}

export function parseFanContext(row: FanContextRow | undefined): FanContextRows {
  return {
    purchases: (row?.purchases ?? []).map((p) => ({
      packName: p.pack_name,
      amountCents: p.amount_cents,
      currency: p.currency,
      refunded: p.refunded,
      at: new Date(p.at),
    })),
    purchasesTotal: row?.purchases_total ?? 0,
    openOffers: (row?.open_offers ?? []).map((o) => ({
      packName: o.pack_name,
      priceCents: o.price_cents,
      currency: o.currency,
      expiresAt: new Date(o.expires_at),
    })),
  };
}

/**
 * The fan's purchases (newest `limit`, and how many there are in all) and open offers, in one
 * prepared statement: the drafting prompt's context costs one round trip.
 */
export const fanContextRepo = {
  async load(db: Db, fanId: string, limit: number): Promise<FanContextRows> {
    const [row] = await preparedRows<{ context: FanContextRow }>(
      db,
      'fan_context',
      sql`select ${fanContextJson(fanId, limit)} as context`,
    );
    return parseFanContext(row?.context);
  },
};
