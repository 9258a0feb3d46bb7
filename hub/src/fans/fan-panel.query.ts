import { and, desc, eq } from 'drizzle-orm';
import { schema, type Db } from '@velvet/shared';

const { fans, followUps, offers, packs, platformAccounts, purchases } = schema;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export type FanRow = typeof fans.$inferSelect;

/** The fields of a fan an operator sees; the platform's raw ids stay on the server. */
export function presentFan(fan: FanRow, platform: string) {
  return {
    id: fan.id,
    displayName: fan.displayName,
    username: fan.username,
    language: fan.language,
    platform,
    subscriptionLevel: fan.subscriptionLevel,
    lifetimeSpend: { cents: fan.lifetimeSpendCents, currency: fan.spendCurrency },
    purchaseCount: fan.purchaseCount,
    lastPurchaseAt: iso(fan.lastPurchaseAt),
    profile: fan.profile,
    notes: fan.notes,
    tags: fan.tags,
    ageVerifiedAt: iso(fan.ageVerifiedAt),
    ageVerifiedMethod: fan.ageVerifiedMethod,
    minorSignalAt: iso(fan.minorSignalAt),
    optedOutAt: iso(fan.optedOutAt),
    disclosedAt: iso(fan.disclosedAt),
    mutedAt: iso(fan.mutedAt),
  };
}

export async function findFanWithCreator(db: Db, fanId: string) {
  const [row] = await db
    .select({ fan: fans, creatorId: platformAccounts.creatorId, platform: platformAccounts.platform })
    .from(fans)
    .innerJoin(platformAccounts, eq(platformAccounts.id, fans.accountId))
    .where(eq(fans.id, fanId))
    .limit(1);
  return row;
}

/** What the fan panel shows besides the fan: recent purchases, open offers, pending follow-ups. */
export async function fanActivity(db: Db, fanId: string) {
  const [bought, open, pending] = await Promise.all([
    db
      .select({
        id: purchases.id,
        packName: packs.name,
        cents: purchases.amountCents,
        currency: purchases.currency,
        refundKind: purchases.refundKind,
        createdAt: purchases.createdAt,
      })
      .from(purchases)
      .leftJoin(packs, eq(packs.id, purchases.packId))
      .where(eq(purchases.fanId, fanId))
      .orderBy(desc(purchases.createdAt))
      .limit(20),
    db
      .select({
        id: offers.id,
        packName: packs.name,
        cents: offers.priceCents,
        currency: offers.currency,
        status: offers.status,
        expiresAt: offers.expiresAt,
        createdAt: offers.createdAt,
      })
      .from(offers)
      .innerJoin(packs, eq(packs.id, offers.packId))
      .where(and(eq(offers.fanId, fanId), eq(offers.status, 'open')))
      .orderBy(desc(offers.createdAt))
      .limit(20),
    db
      .select({ id: followUps.id, kind: followUps.kind, dueAt: followUps.dueAt, packName: packs.name })
      .from(followUps)
      .leftJoin(packs, eq(packs.id, followUps.packId))
      .where(and(eq(followUps.fanId, fanId), eq(followUps.status, 'pending')))
      .orderBy(followUps.dueAt)
      .limit(20),
  ]);
  return {
    purchases: bought.map((p) => ({
      id: p.id,
      packName: p.packName,
      amount: { cents: p.cents, currency: p.currency },
      refundKind: p.refundKind,
      createdAt: p.createdAt.toISOString(),
    })),
    openOffers: open.map((o) => ({
      id: o.id,
      packName: o.packName,
      price: { cents: o.cents, currency: o.currency },
      status: o.status,
      expiresAt: o.expiresAt.toISOString(),
      createdAt: o.createdAt.toISOString(),
    })),
    followUps: pending.map((f) => ({
      id: f.id,
      kind: f.kind,
      dueAt: f.dueAt.toISOString(),
      packName: f.packName,
    })),
  };
}

export async function updateFanNotes(db: Db, fanId: string, patch: { notes?: string; tags?: string[] }) {
  const [row] = await db.update(fans).set(patch).where(eq(fans.id, fanId)).returning();
  return row;
}
