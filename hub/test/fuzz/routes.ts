import type { Router } from 'express';
import { signMediaUrl } from '@velvet/shared';
import { telegramUpdates } from '@velvet/platforms/testing';
import type { World } from './world';

/** How a route reads its body: JSON through the app's parser, or raw bytes some other way. */
export type BodyKind = 'none' | 'json' | 'webhook' | 'payment' | 'multipart';

export interface RouteSpec {
  body: BodyKind;
  /** A valid body (or query) for the fuzzer to mutate, so it gets past the first validation layer. */
  example?: (w: World) => Record<string, unknown>;
  query?: (w: World) => Record<string, string>;
  /** Refusals the route records on purpose (a failed sign-in is audited). */
  auditsRefusals?: boolean;
}

/**
 * Every route of the app, as `METHOD /path`. `coveredRoutes()` checks this table against the
 * app's own router, so a route added without a line here fails the fuzz test.
 */
/** An analytics window for the fuzz's first creator. */
const analyticsWindow = (w: World) => ({
  creatorId: w.ids.creator[0]!,
  from: '2026-01-01T00:00:00Z',
  to: '2030-01-01T00:00:00Z',
});

/** A creator's planner rules, under both of the route's names. */
const plannerRules: RouteSpec = {
  body: 'json',
  example: () => ({
    markets: [
      {
        id: 'FR',
        market: 'FR',
        timeZone: 'Europe/Paris',
        active: { start: '07:00', end: '23:00' },
        quiet: { start: '02:00', end: '06:00' },
      },
    ],
    platforms: [
      {
        platform: 'sandbox',
        slots: [{ profile: 'FR', start: '08:00', end: '10:00', posts: 1, jitterMinutes: 15 }],
        mix: { text_photo: 3, text: 1 },
        dailyReel: false,
      },
    ],
  }),
};

export const ROUTES: Record<string, RouteSpec> = {
  'POST /webhooks/payments/:provider': {
    body: 'payment',
    example: (w) => ({
      type: 'payment.succeeded',
      chargeId: 'ch_fuzz_1',
      token: w.checkoutToken,
      amount: 1000,
      currency: 'EUR',
    }),
  },
  'POST /webhooks/:platform/:accountId': { body: 'webhook' },
  'GET /healthz': { body: 'none' },
  'GET /public/media/:id': {
    body: 'none',
    // The address the workers would hand a platform for this medium.
    query: (w) =>
      Object.fromEntries(
        new URL(
          signMediaUrl(
            w.hub.url,
            w.hub.ctx.secrets.mediaUrlKey,
            w.ids.media[0]!,
            new Date(Date.now() + 3600_000),
          ),
        ).searchParams,
      ),
  },

  'POST /api/auth/login': {
    body: 'json',
    example: (w) => ({ email: w.fuzzUser.email, password: w.fuzzUser.password }),
    auditsRefusals: true,
  },
  'POST /api/auth/refresh': { body: 'json', example: () => ({}), auditsRefusals: true },
  'POST /api/auth/logout': { body: 'json', example: () => ({}) },
  'GET /api/me': { body: 'none' },
  'GET /api/openapi.json': { body: 'none' },
  'GET /api/docs': { body: 'none' },

  'POST /api/users': {
    body: 'json',
    example: (w) => ({
      email: `fuzz-${w.nextSerial()}@test.velvet`,
      password: 'a-long-enough-password',
      role: 'chatter',
      creatorIds: [w.ids.creator[0]],
    }),
  },
  'GET /api/users': { body: 'none' },
  'PATCH /api/users/:id': {
    body: 'json',
    example: (w) => ({ role: 'manager', creatorIds: [w.ids.creator[0]], disabled: false }),
  },

  'POST /api/users/:id/password-reset': { body: 'none' },
  // A wrong current password: the actors' own passwords must not change under the fuzzer.
  'POST /api/me/password': {
    body: 'json',
    example: () => ({ currentPassword: 'not-the-password', newPassword: 'a-long-enough-password' }),
    auditsRefusals: true,
  },

  'POST /api/creators': {
    body: 'json',
    example: () => ({
      name: 'Fuzz',
      pseudonym: 'fuzz_star',
      timezone: 'Europe/Paris',
      market: 'FR',
      persona: 'Joueuse',
      constraints: ['pas de vidéos'],
      quietHours: { start: '23:00', end: '08:00' },
      sendPolicy: { telegram: { greeting: 'auto' } },
      disclosure: { enabled: true, fr: 'Je suis une IA', en: 'I am an AI' },
    }),
  },
  'GET /api/creators': { body: 'none', query: () => ({ archived: 'only' }) },
  'GET /api/creators/:id': { body: 'none' },
  'GET /api/creators/:id/team': { body: 'none' },
  // Teams, shifts and the assignment queue (auto-assignment).
  'GET /api/creators/:id/assignment': { body: 'none' },
  'PUT /api/creators/:id/assignment': {
    body: 'json',
    example: () => ({ strategy: 'least_loaded', members: [] }),
  },
  'GET /api/me/shift': { body: 'none' },
  'PUT /api/me/shift': { body: 'json', example: () => ({ onDuty: false }) },
  'GET /api/assignment/queue': { body: 'none' },
  'PUT /api/assignment/conversations/:id': {
    body: 'json',
    example: (w) => ({ userId: w.ids.user[0]!, from: null }),
  },
  // Saved replies.
  'GET /api/saved-replies': { body: 'none', query: (w) => ({ creatorId: w.ids.creator[0]! }) },
  'POST /api/saved-replies': {
    body: 'json',
    example: (w) => ({
      creatorId: w.ids.creator[0],
      title: 'Bonjour',
      body: 'Coucou {fan_name} !',
      lang: 'fr',
    }),
  },
  'PATCH /api/saved-replies/:id': { body: 'json', example: () => ({ title: 'Hello' }) },
  'DELETE /api/saved-replies/:id': { body: 'none' },
  'GET /api/conversations/:id/saved-replies': { body: 'none' },
  // Reply quality figures.
  'GET /api/quality': { body: 'none', query: (w) => ({ days: '7', creatorId: w.ids.creator[0]! }) },
  // Fans' satisfaction figures.
  'GET /api/satisfaction': { body: 'none', query: (w) => ({ days: '30', creatorId: w.ids.creator[0]! }) },
  // Prompt experiments (A/B tests per intent).
  'GET /api/experiments': {
    body: 'none',
    query: (w) => ({ creatorId: w.ids.creator[0]!, status: 'running' }),
  },
  'POST /api/creators/:id/experiments': {
    body: 'json',
    example: () => ({
      intent: 'compliment',
      name: 'Merci court',
      mode: 'append',
      variants: [
        { text: '', weight: 50 },
        { text: 'Réponds en une phrase.', weight: 50 },
      ],
      minSample: 30,
    }),
  },
  'GET /api/experiments/:id': { body: 'none' },
  'POST /api/experiments/:id/stop': { body: 'none' },
  'POST /api/experiments/:id/promote': { body: 'json', example: () => ({ variant: 'B' }) },
  'POST /api/creators/:id/archive': { body: 'none' },
  'POST /api/creators/:id/unarchive': { body: 'none' },
  'GET /api/automation/defaults': { body: 'none' },
  'GET /api/overview': { body: 'none', query: (w) => ({ days: '7', creatorId: w.ids.creator[0]! }) },
  'PATCH /api/creators/:id': {
    body: 'json',
    example: () => ({
      persona: 'Douce',
      constraints: ['rien'],
      disclosure: { fr: 'IA' },
      automation: { followUpDelayMinutes: { feet: 30 }, spamThreshold: 0.8, welcomeDelaySeconds: 20 },
    }),
  },

  'GET /api/platforms': { body: 'none' },

  'POST /api/creators/:id/accounts': {
    body: 'json',
    example: () => ({ platform: 'sandbox', label: 'Bac à sable', credentials: { token: 'fuzz-token' } }),
  },
  'GET /api/creators/:id/accounts': { body: 'none' },
  'POST /api/accounts/:platform/oauth': {
    body: 'json',
    example: (w) => ({ creatorId: w.ids.creator[0], label: 'Fanvue fuzz' }),
  },
  'GET /api/creators/:id/accounts/oauth/:platform': { body: 'none', query: () => ({ label: 'Fanvue' }) },
  'GET /api/oauth/:platform/callback': {
    body: 'none',
    query: () => ({ code: 'fuzz-code', state: 'fuzz-state' }),
  },
  'GET /oauth/:platform/callback': {
    body: 'none',
    query: () => ({ code: 'fuzz-code', state: 'fuzz-state' }),
  },
  'PATCH /api/accounts/:id': { body: 'json', example: () => ({ label: 'Renommé', groups: true }) },
  'POST /api/accounts/:id/check': { body: 'none' },
  'POST /api/accounts/:id/reconnect': {
    body: 'json',
    example: (w) => ({ credentials: { botToken: w.telegram.token } }),
  },

  'GET /api/conversations': {
    body: 'none',
    query: (w) => ({
      creatorId: w.ids.creator[0]!,
      status: 'bot',
      view: 'open',
      assigned: 'me',
      unread: 'true',
      platform: 'telegram',
      q: 'salut',
      limit: '10',
      cursor: w.conversationCursor,
    }),
  },
  'GET /api/conversations/:id': { body: 'none' },
  'POST /api/conversations/:id/read': { body: 'none' },
  'POST /api/conversations/:id/mark-minor': { body: 'none' },
  'POST /api/messages/:id/retry': { body: 'none' },
  'GET /api/conversations/:id/messages': {
    body: 'none',
    query: (w) => ({ limit: '5', cursor: w.messageCursor }),
  },

  'GET /api/messages/:id/attachments/:index': { body: 'none' },
  'POST /api/conversations/:id/attachments': { body: 'multipart' },
  'GET /api/creators/:id/media': { body: 'none', query: () => ({ kind: 'image', limit: '10' }) },
  'POST /api/creators/:id/media': { body: 'multipart' },
  // Read by the document's check; the fuzzer sends no query on a POST (nor, mostly, a creator).
  'POST /api/media': { body: 'multipart', query: (w) => ({ creatorId: w.ids.creator[0]! }) },
  'GET /api/media/:id': { body: 'none' },
  'PATCH /api/media/:id': { body: 'json', example: () => ({ alt: 'A sunset' }) },
  'GET /api/media/:id/file': { body: 'none' },
  'GET /api/media/:id/thumbnail': { body: 'none' },
  'DELETE /api/media/:id': { body: 'none' },
  'GET /api/creators/:id/posts': { body: 'none', query: () => ({ state: 'draft', limit: '10' }) },
  'POST /api/creators/:id/posts': {
    body: 'json',
    example: (w) => ({
      kind: 'text',
      text: 'Ce soir',
      hashtags: ['paris'],
      // The sandbox account: Velvet publishes there.
      accountIds: w.ids.account.slice(1, 2),
    }),
  },
  'GET /api/posts': {
    body: 'none',
    query: (w) => ({
      creatorId: w.ids.creator[0]!,
      from: '2026-06-01T00:00:00+02:00',
      to: '2026-07-01T00:00:00+02:00',
      status: 'scheduled',
      limit: '10',
    }),
  },
  'GET /api/posts/:id': { body: 'none' },
  'PATCH /api/posts/:id': { body: 'json', example: () => ({ version: 1, text: 'Demain' }) },
  'POST /api/posts/:id/schedule': {
    body: 'json',
    example: () => ({ at: new Date(Date.now() + 3_600_000).toISOString(), timeZone: 'Europe/Paris' }),
  },
  'POST /api/posts/:id/unschedule': { body: 'json', example: () => ({}) },
  'POST /api/posts/:id/cancel': { body: 'json', example: () => ({}) },
  'DELETE /api/posts/:id': { body: 'none' },
  'GET /api/calendar': {
    body: 'none',
    query: (w) => ({
      from: '2026-06-01T00:00:00+02:00',
      to: '2026-07-01T00:00:00+02:00',
      creatorId: w.ids.creator[0]!,
    }),
  },
  'GET /api/creators/:id/trends': { body: 'none', query: () => ({ location: '1' }) },
  'GET /api/creators/:id/planner': { body: 'none' },
  'PUT /api/creators/:id/planner': plannerRules,
  'GET /api/creators/:id/planner/best-times': { body: 'none' },
  'GET /api/creators/:id/schedule-rules': { body: 'none' },
  // The contract's name for the same rules: the same body.
  'PUT /api/creators/:id/schedule-rules': plannerRules,
  'POST /api/creators/:id/plan': { body: 'json', example: () => ({ days: 7 }) },
  'POST /api/creators/:id/plan/accept': {
    body: 'json',
    example: (w) => ({
      items: [
        {
          contentId: 'media:00000000-0000-4000-8000-000000000000',
          platform: 'sandbox',
          accountId: w.ids.account[1],
          at: new Date(Date.now() + 86_400_000).toISOString(),
          timeZone: 'Europe/Paris',
        },
      ],
    }),
  },

  'POST /api/intents/classify': { body: 'json', example: () => ({ text: 'tu as des photos ?', lang: 'fr' }) },
  'POST /api/messages/:id/intent': { body: 'json', example: () => ({ intent: 'greeting' }) },
  'GET /api/intents/corrections': { body: 'none' },

  'GET /api/fans/:id': { body: 'none' },
  'PATCH /api/fans/:id': { body: 'json', example: () => ({ notes: 'aime les chats', tags: ['vip', 'fr'] }) },
  'POST /api/fans/:id/clear-minor': { body: 'none' },
  'POST /api/fans/:id/unmute': { body: 'none' },
  'GET /api/fans/:id/export': { body: 'none' },
  // The Telegram fan's name: a valid erasure, which the world's restore undoes.
  'POST /api/fans/:id/erase': { body: 'json', example: () => ({ confirm: 'Zoé' }) },
  'GET /api/retention/preview': { body: 'none' },
  'GET /api/backups': { body: 'none' },
  'GET /api/backups/:name': { body: 'none' },

  'GET /api/creators/:id/packs': { body: 'none' },
  'POST /api/creators/:id/packs': {
    body: 'json',
    example: () => ({
      name: 'Pack pieds',
      type: 'feet',
      price: 10.5,
      currency: 'EUR',
      priceStars: 50,
      description: 'Mes pieds',
      media: [{ kind: 'photo', url: 'https://cdn.test.velvet/a.jpg', caption: 'un' }],
      platforms: ['telegram'],
      checkoutUrl: 'https://pay.test.velvet/checkout',
      active: true,
    }),
  },
  'POST /api/creators/:id/pack-media': { body: 'multipart' },
  'GET /api/creators/:id/pack-media/:file': { body: 'none' },
  'GET /api/packs/:id': { body: 'none' },
  'PATCH /api/packs/:id': { body: 'json', example: () => ({ price: 12.5, description: 'Nouveau' }) },
  'GET /api/creators/:id/promo-codes': { body: 'none' },
  'POST /api/creators/:id/promo-codes': {
    body: 'json',
    example: (w) => ({
      code: `FUZZ${w.nextSerial()}`,
      kind: 'percent',
      value: 20,
      expiresAt: '2030-01-01T00:00:00Z',
      maxUses: 10,
      maxUsesPerFan: 1,
      active: true,
    }),
  },
  'PATCH /api/promo-codes/:id': {
    body: 'json',
    example: () => ({ active: false, expiresAt: '2031-01-01T00:00:00+02:00', maxUses: 5 }),
  },
  'GET /api/conversations/:id/sales': { body: 'none' },
  'POST /api/conversations/:id/offers': {
    body: 'json',
    example: (w) => ({ packId: w.ids.pack[0]!, promoCode: w.promoCode }),
  },
  'POST /api/offers/:id/cancel': { body: 'none' },
  'POST /api/follow-ups/:id/cancel': { body: 'none' },
  'GET /api/sales/metrics': {
    body: 'none',
    query: (w) => ({
      creatorId: w.ids.creator[0]!,
      by: 'pack',
      from: '2026-01-01T00:00:00Z',
      to: '2030-01-01T00:00:00Z',
    }),
  },

  'GET /api/drafts': {
    body: 'none',
    query: (w) => ({ status: 'pending_approval', creatorId: w.ids.creator[0]!, limit: '20' }),
  },
  'GET /api/drafts/stats': { body: 'none', query: () => ({ since: new Date().toISOString() }) },
  'GET /api/drafts/:id': { body: 'none' },

  'GET /api/push/vapid-public-key': { body: 'none' },
  'POST /api/push/subscriptions': { body: 'json', example: (w) => w.pushSubscription() },
  'DELETE /api/push/subscriptions': {
    body: 'json',
    example: () => ({ endpoint: 'https://fcm.googleapis.com/fcm/send/fuzz-1' }),
  },

  'GET /api/activity': {
    body: 'none',
    query: (w) => ({
      creatorId: w.ids.creator[0]!,
      actor: 'automation',
      action: 'draft.approve,followup.send',
      from: '2026-01-01T00:00:00Z',
      to: '2030-01-01T00:00:00Z',
      limit: '20',
    }),
  },
  'GET /api/audit': {
    body: 'none',
    query: (w) => ({ creatorId: w.ids.creator[0]!, action: 'offer.create', before: '1000', limit: '10' }),
  },
  'GET /api/notifications': { body: 'none', query: () => ({ unread: 'true', limit: '10' }) },
  'POST /api/notifications/read': { body: 'json', example: () => ({ ids: [1, 2] }) },
  'POST /api/notifications/:id/ack': { body: 'none' },
  'GET /api/notifications/preferences': { body: 'none' },
  'PUT /api/notifications/preferences': {
    body: 'json',
    example: () => ({ push: { draft: true, followup_sent: false } }),
  },

  // Analytics: one creator's figures, or the caller's scope.
  'GET /api/analytics/overview': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/analytics/best-posts': { body: 'none', query: (w) => ({ ...analyticsWindow(w), limit: '10' }) },
  'GET /api/analytics/best-times': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/analytics/hashtags': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/analytics/content-types': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/analytics/market': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/analytics/export': { body: 'none', query: (w) => analyticsWindow(w) },
  'GET /api/metrics': { body: 'none' },
  'GET /metrics': { body: 'none' },

  // Last, so the routes above fuzz a live world (the accounts are reconnected after each route).
  'DELETE /api/packs/:id': { body: 'none' },
  'DELETE /api/accounts/:id': { body: 'none' },
};

/** A Telegram update or a sandbox message for the webhook route, right before mutation. */
export function webhookExamples(w: World, serial: number) {
  const base = { updateId: serial, chatId: 4242, fromId: 4242, firstName: 'Zoé', languageCode: 'fr' };
  return {
    telegram: [
      telegramUpdates.text({ ...base, text: 'salut' }),
      telegramUpdates.edited({ ...base, messageId: 1, text: 'salut !' }),
      telegramUpdates.callback({ ...base, data: 'age:yes' }),
      telegramUpdates.photo({ ...base, caption: 'pour toi', fileId: w.telegramFileId }),
      telegramUpdates.preCheckout({
        updateId: serial,
        fromId: 4242,
        totalAmount: 50,
        payload: `offer:${w.ids.offer[0]}`,
      }),
      telegramUpdates.command({ ...base, text: '/start' }),
    ] as unknown as Record<string, unknown>[],
    sandbox: [
      { id: `s${serial}`, chatId: 'c-fuzz', from: { id: 'f-fuzz', name: 'Sam', language: 'en' }, text: 'hi' },
      {
        id: `s${serial}`,
        chatId: 'c-fuzz',
        from: { id: 'f-fuzz', name: 'Sam' },
        event: 'tip',
        tip: { amountCents: 500, currency: 'EUR' },
      },
      { id: `s${serial}`, chatId: 'c-fuzz', from: { id: 'f-fuzz', name: 'Sam' }, button: 'age:yes' },
    ] as Record<string, unknown>[],
  };
}

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /path` the Express app serves, read from its router stack (nested routers too). */
export function appRoutes(app: { router: Router }): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          if (method !== '_all') found.push(`${method.toUpperCase()} ${prefix}${at || layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack, prefix + at);
    }
  };
  walk((app.router as unknown as { stack: Layer[] }).stack, '');
  return [...new Set(found)].map((r) => r.replace(/(.)\/$/, '$1'));
}
