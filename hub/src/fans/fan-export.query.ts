import { asc, eq, inArray } from 'drizzle-orm';
import { schema, type Db } from '@velvet/shared';

const {
  conversations,
  drafts,
  fans,
  followUps,
  messages,
  offers,
  packs,
  platformAccounts,
  purchases,
  satisfactionSurveys,
} = schema;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** Draft statuses whose text reached the fan. */
const SENT_DRAFTS = ['auto_sent', 'approved'] as const;

/** A media file of the archive: where it sits in it, or why it could not be included. */
export interface ExportedFile {
  messageId: string;
  index: number;
  path: string | null;
  error?: string;
}

/**
 * Everything Velvet holds about one fan, as the data subject should receive it: the
 * profile, consents, every message both ways, sent drafts, offers, purchases,
 * follow-ups and satisfaction scores. Media bytes are added by the caller; `media` lists the files to fetch.
 */
export async function fanDataset(db: Db, fanId: string) {
  const [row] = await db
    .select({ fan: fans, platform: platformAccounts.platform, creatorId: platformAccounts.creatorId })
    .from(fans)
    .innerJoin(platformAccounts, eq(platformAccounts.id, fans.accountId))
    .where(eq(fans.id, fanId))
    .limit(1);
  if (!row) return undefined;
  const { fan } = row;
  const convs = await db.select().from(conversations).where(eq(conversations.fanId, fanId));
  const convIds = convs.map((c) => c.id);
  const none = convIds.length === 0;
  const [thread, sentDrafts, offerRows, purchaseRows, followUpRows, surveyRows] = await Promise.all([
    none
      ? []
      : db
          .select()
          .from(messages)
          .where(inArray(messages.conversationId, convIds))
          .orderBy(asc(messages.createdAt), asc(messages.id)),
    none
      ? []
      : db
          .select()
          .from(drafts)
          .where(inArray(drafts.conversationId, convIds))
          .orderBy(asc(drafts.createdAt)),
    db
      .select({ offer: offers, packName: packs.name })
      .from(offers)
      .innerJoin(packs, eq(packs.id, offers.packId))
      .where(eq(offers.fanId, fanId))
      .orderBy(asc(offers.createdAt)),
    db
      .select({ purchase: purchases, packName: packs.name })
      .from(purchases)
      .leftJoin(packs, eq(packs.id, purchases.packId))
      .where(eq(purchases.fanId, fanId))
      .orderBy(asc(purchases.createdAt)),
    db.select().from(followUps).where(eq(followUps.fanId, fanId)).orderBy(asc(followUps.createdAt)),
    db
      .select()
      .from(satisfactionSurveys)
      .where(eq(satisfactionSurveys.fanId, fanId))
      .orderBy(asc(satisfactionSurveys.createdAt)),
  ]);

  const media = thread.flatMap((m) =>
    m.direction === 'in' ? m.attachments.map((a, index) => ({ message: m, attachment: a, index })) : [],
  );

  const data = {
    format: 'velvet-fan-export/1',
    fan: {
      id: fan.id,
      platform: row.platform,
      platformUserId: fan.platformUserId,
      displayName: fan.displayName,
      username: fan.username,
      language: fan.language,
      profile: fan.profile,
      notes: fan.notes,
      tags: fan.tags,
      subscriptionLevel: fan.subscriptionLevel,
      lifetimeSpend: { cents: fan.lifetimeSpendCents, currency: fan.spendCurrency },
      purchaseCount: fan.purchaseCount,
      firstSeenAt: iso(fan.createdAt),
      lastSeenAt: iso(fan.lastSeenAt),
      erasedAt: iso(fan.erasedAt),
    },
    consents: {
      ageConfirmedAt: iso(fan.ageVerifiedAt),
      ageConfirmationMethod: fan.ageVerifiedMethod,
      optedOutAt: iso(fan.optedOutAt),
      aiDisclosureShownAt: iso(fan.disclosedAt),
      minorSignalAt: iso(fan.minorSignalAt),
    },
    conversations: convs.map((c) => ({
      id: c.id,
      status: c.status,
      createdAt: iso(c.createdAt),
      lastMessageAt: iso(c.lastMessageAt),
    })),
    messages: thread.map((m) => ({
      id: m.id,
      conversationId: m.conversationId,
      direction: m.direction,
      sender: m.sender,
      kind: m.kind,
      text: m.text,
      intent: m.intent,
      status: m.status,
      createdAt: iso(m.createdAt),
      sentAt: iso(m.sentAt),
      editedAt: iso(m.editedAt),
      attachments: m.attachments.map((a) => ({
        kind: a.kind,
        mimeType: a.mimeType ?? null,
        fileName: a.fileName ?? null,
        size: a.size ?? null,
      })),
    })),
    sentDrafts: sentDrafts
      .filter((d) => (SENT_DRAFTS as readonly string[]).includes(d.status))
      .map((d) => ({
        id: d.id,
        conversationId: d.conversationId,
        inReplyTo: d.messageId,
        text: d.editedText ?? d.text,
        generatedBy: d.generatedBy,
        status: d.status,
        createdAt: iso(d.createdAt),
        decidedAt: iso(d.decidedAt),
      })),
    offers: offerRows.map(({ offer, packName }) => ({
      id: offer.id,
      packName,
      price: { cents: offer.priceCents, currency: offer.currency },
      listPrice: { cents: offer.listPriceCents, currency: offer.currency },
      status: offer.status,
      createdAt: iso(offer.createdAt),
      expiresAt: iso(offer.expiresAt),
      closedAt: iso(offer.closedAt),
    })),
    purchases: purchaseRows.map(({ purchase, packName }) => ({
      id: purchase.id,
      packName,
      amount: { cents: purchase.amountCents, currency: purchase.currency },
      provider: purchase.provider,
      createdAt: iso(purchase.createdAt),
      deliveredAt: iso(purchase.deliveredAt),
    })),
    followUps: followUpRows.map((f) => ({
      id: f.id,
      kind: f.kind,
      status: f.status,
      dueAt: iso(f.dueAt),
      cancelReason: f.cancelReason,
      createdAt: iso(f.createdAt),
    })),
    satisfaction: surveyRows.map((s) => ({
      id: s.id,
      trigger: s.trigger,
      status: s.status,
      sentAt: iso(s.sentAt),
      score: s.score,
      answeredAt: iso(s.answeredAt),
    })),
    media: [] as ExportedFile[],
  };
  return { data, media, creatorId: row.creatorId, fan };
}
