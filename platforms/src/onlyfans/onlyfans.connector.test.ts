import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError, type VelvetConfig } from '@velvet/shared';
import { CredentialsRejected } from '../connector';
import { createOnlyFansConnector, type OnlyFansConnector } from './onlyfans.connector';
import {
  onlyfansEvents,
  signOnlyFansWebhook,
  startOnlyFansStandin,
  type OnlyFansStandin,
} from './onlyfans.standin';

const KEY = 'ofapi_test_key_abcdef0123456789';
const ACCOUNT = 'acct_unit0001';
const SECRET = 'unit-webhook-signing-secret-0001';
const credentials = { apiKey: KEY, accountId: ACCOUNT, webhookSecret: SECRET };
const fan = { id: 4242, name: 'Léo', username: 'leo42' };

let standin: OnlyFansStandin;
let onlyfans: OnlyFansConnector;

beforeEach(async () => {
  standin = await startOnlyFansStandin({ keys: { [KEY]: [ACCOUNT] } });
  onlyfans = createOnlyFansConnector({ apiRoot: standin.apiRoot, timeoutMs: 500 });
});

afterEach(async () => {
  await standin.close();
});

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

const signed = (body: unknown, secret = SECRET) => {
  const raw = JSON.stringify(body);
  return { headers: { signature: signOnlyFansWebhook(raw, secret) }, rawBody: Buffer.from(raw), body };
};

describe('onlyfans capabilities and limits', () => {
  it('never lets the AI send, sells packs as paid messages, trusts OnlyFans age checks', () => {
    expect(onlyfans.capabilities).toMatchObject({
      aiAutoSend: false,
      verifiesAge: true,
      packSales: { kind: 'paid_message' },
      buttons: false,
    });
  });

  it("spaces sends by the seed's per-minute budget and caps the day", () => {
    const platforms = {
      onlyfans: { messages_per_minute: 5, messages_per_day: 500 },
    } as VelvetConfig['platforms'];
    expect(onlyfans.limits(platforms)).toEqual({
      rules: [{ scope: 'account', intervalMs: 12_000 }],
      perDay: 500,
    });
  });
});

describe('onlyfans connect', () => {
  it('checks the key and account with the provider and keeps what the webhooks need', async () => {
    const connected = await onlyfans.connect(credentials);
    expect(connected.credentials).toEqual(credentials);
    expect(connected.settings).toEqual({ provider: 'onlyfansapi', providerAccountId: ACCOUNT });
    expect(standin.calls.map((c) => c.route)).toEqual(['chats']);
  });

  it('names the wrong field: a refused key, an account the key does not reach', async () => {
    const badKey = await onlyfans
      .connect({ ...credentials, apiKey: 'ofapi_wrong_key_000000000000' })
      .catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(CredentialsRejected);
    expect((badKey as CredentialsRejected).field).toBe('apiKey');
    const badAccount = await onlyfans
      .connect({ ...credentials, accountId: 'acct_someone_else' })
      .catch((e: unknown) => e);
    expect((badAccount as CredentialsRejected).field).toBe('accountId');
    const short = await onlyfans.connect({ ...credentials, webhookSecret: 'short' }).catch((e: unknown) => e);
    expect((short as CredentialsRejected).field).toBe('webhookSecret');
  });
});

describe('onlyfans verifyWebhook', () => {
  const body = onlyfansEvents.message(ACCOUNT, { id: 1, fan, text: 'Coucou' });

  it('accepts the HMAC of the exact bytes with the secret, nothing else', () => {
    expect(onlyfans.verifyWebhook(signed(body), credentials)).toBe(true);
    expect(onlyfans.verifyWebhook(signed(body, `${SECRET}x`), credentials)).toBe(false);
    const call = signed(body);
    expect(onlyfans.verifyWebhook({ ...call, headers: {} }, credentials)).toBe(false);
    expect(onlyfans.verifyWebhook({ ...call, headers: { signature: '' } }, credentials)).toBe(false);
    // Same JSON, other bytes (a space): the signature covers bytes, not meaning.
    expect(
      onlyfans.verifyWebhook({ ...call, rawBody: Buffer.from(JSON.stringify(body, null, 1)) }, credentials),
    ).toBe(false);
  });

  it("refuses a signed event about another of the provider's accounts", () => {
    const other = onlyfansEvents.message('acct_other', { id: 2, fan, text: 'Coucou' });
    expect(onlyfans.verifyWebhook(signed(other), credentials)).toBe(false);
  });
});

describe('onlyfans parseWebhook', () => {
  const parse = (body: unknown) => onlyfans.parseWebhook(signed(body));

  it('a fan message: plain text from the HTML, the fan as the chat', () => {
    const parsed = parse(onlyfansEvents.message(ACCOUNT, { id: 77, fan, text: 'Salut <3 & bisous' }));
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        platform: 'onlyfans',
        platformMessageId: '77',
        chatId: '4242',
        kind: 'text',
        text: 'Salut <3 & bisous',
        fan: { platformUserId: '4242', displayName: 'Léo', username: 'leo42' },
      },
    });
  });

  it('a fan photo and voice note: attachments by kind and size; a locked one is left out', () => {
    const photo = 'https://cdn2.onlyfans.com/files/a/ab/photo/1080x1350_abc.jpg?Tag=2&Policy=p&Signature=s';
    const voice = 'https://cdn3.onlyfans.com/files/b/bc/voice/voice_abc.mp3?Policy=p&Signature=s';
    const parsed = parse(
      onlyfansEvents.message(ACCOUNT, {
        id: 78,
        fan,
        text: '',
        media: [
          onlyfansEvents.media({ id: 501, type: 'photo', url: photo }),
          onlyfansEvents.media({ id: 502, type: 'audio', url: voice }),
          onlyfansEvents.media({ id: 503, type: 'video', url: photo, canView: false }),
          { id: 504, type: 'photo' },
        ],
      }),
    );
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        text: '',
        attachments: [
          { kind: 'photo', fileId: photo, fileUniqueId: 'of:501', width: 1080, height: 1350, size: 204_800 },
          { kind: 'voice', fileId: voice, fileUniqueId: 'of:502', duration: 12 },
        ],
      },
    });
  });

  it('a new subscriber, with the same id on a redelivery', () => {
    const event = onlyfansEvents.subscribed(ACCOUNT, { fan, subscribedAt: '2026-11-30T10:00:00Z' });
    const first = parse(event);
    expect(first).toMatchObject({ kind: 'message', message: { kind: 'subscriber', chatId: '4242' } });
    expect(parse(structuredClone(event))).toEqual(first);
  });

  it('an unlocked PPV is a payment naming the paid message, one charge per fan', () => {
    const parsed = parse(onlyfansEvents.unlocked(ACCOUNT, { messageId: 9_000_000_001, fan, price: 25 }));
    expect(parsed).toMatchObject({
      kind: 'payment',
      payment: {
        paidMessageId: '9000000001',
        chargeId: 'ppv:9000000001:4242',
        currency: 'USD',
        totalAmount: 2500,
        chatId: '4242',
      },
    });
  });

  it('an expired session or a two-factor code asks for a human', () => {
    expect(parse(onlyfansEvents.sessionExpired(ACCOUNT))).toMatchObject({
      kind: 'account_attention',
      attention: { reason: expect.stringMatching(/session expired/) },
    });
    expect(parse(onlyfansEvents.otpRequired(ACCOUNT))).toMatchObject({
      kind: 'account_attention',
      attention: { reason: expect.stringMatching(/two-factor/) },
    });
  });

  it('ignores renewals and unknown events; refuses what is not an envelope', () => {
    expect(parse({ event: 'subscriptions.renewed', account_id: ACCOUNT, payload: { user: fan } }).kind).toBe(
      'ignored',
    );
    expect(parse({ event: 'posts.liked', account_id: ACCOUNT, payload: {} }).kind).toBe('ignored');
    expect(parse({ hello: 'world' }).kind).toBe('invalid');
    expect(parse({ event: 'messages.received', account_id: ACCOUNT, payload: { id: 1 } }).kind).toBe(
      'invalid',
    );
  });
});

describe('onlyfans fetchFile', () => {
  it('streams a fan’s file through the provider, and refuses an address off the OnlyFans CDN', async () => {
    const address = 'https://cdn2.onlyfans.com/files/a/ab/photo/1080x1350_abc.jpg?Tag=2&Policy=p&Signature=s';
    standin.addCdnFile(address, { bytes: Buffer.from('jpeg bytes'), contentType: 'image/jpeg' });
    const file = await onlyfans.fetchFile!(credentials, address);
    expect(file).toMatchObject({ contentType: 'image/jpeg', size: 10 });
    expect(
      Buffer.from(await new Response(file.body as ReadableStream<Uint8Array>).arrayBuffer()).toString(),
    ).toBe('jpeg bytes');

    const gone = await failure(onlyfans.fetchFile!(credentials, address.replace('abc', 'gone')));
    expect(gone).toMatchObject({ kind: 'permanent', code: 'rejected' });
    for (const elsewhere of [
      'https://evil.example/onlyfans.com/x.jpg',
      'http://cdn2.onlyfans.com/x.jpg',
      'x',
    ]) {
      expect(await failure(onlyfans.fetchFile!(credentials, elsewhere))).toMatchObject({ code: 'rejected' });
    }
    expect(standin.calls.filter((c) => c.route === 'download')).toHaveLength(2);
  });
});

describe('onlyfans send', () => {
  it('sends text with the bearer key and returns the provider message id', async () => {
    const sent = await onlyfans.send(credentials, { chatId: '4242', text: 'Merci 💕' });
    expect(standin.sent).toEqual([expect.objectContaining({ chatId: '4242', text: 'Merci 💕', price: 0 })]);
    expect(sent).toEqual({ platformMessageId: String(standin.sent[0]!.id) });
  });

  it('sells a pack as a PPV: media uploaded once each, locked at the price in dollars', async () => {
    const media = [
      { kind: 'photo' as const, url: 'https://cdn.example/a.jpg' },
      { kind: 'video' as const, url: 'https://cdn.example/b.mp4' },
    ];
    await onlyfans.sendPaidMessage(credentials, {
      chatId: '4242',
      text: 'Pack pieds — 25 $',
      priceCents: 2500,
      currency: 'USD',
      media,
    });
    expect(standin.uploads.map((u) => u.fileUrl)).toEqual(media.map((m) => m.url));
    expect(standin.uploads.every((u) => u.used)).toBe(true);
    expect(standin.sent[0]).toMatchObject({
      price: 25,
      mediaFiles: standin.uploads.map((u) => u.id),
      text: 'Pack pieds — 25 $',
    });
  });

  it('refuses a pack file kept by the hub, which the provider could not fetch, with the reason', async () => {
    const err = await failure(
      onlyfans.sendPaidMessage(credentials, {
        chatId: '4242',
        text: 'Pack photo',
        priceCents: 2500,
        currency: 'USD',
        media: [{ kind: 'photo', url: 'pack-media/a.png', path: '/data/media/packs/c/a.png' }],
      }),
    );
    expect(err).toMatchObject({ kind: 'permanent', code: 'rejected' });
    expect(err.message).toMatch(/by URL only/);
    expect(standin.uploads).toEqual([]);
  });

  it('refuses a price OnlyFans would refuse, with the range, before calling the provider', async () => {
    const base = { chatId: '4242', text: 'x', media: [{ kind: 'photo' as const, url: 'https://a/b.jpg' }] };
    for (const [priceCents, currency] of [
      [250, 'USD'],
      [20_100, 'USD'],
      [1050, 'USD'],
      [2500, 'EUR'],
    ] as const) {
      const err = await failure(onlyfans.sendPaidMessage(credentials, { ...base, priceCents, currency }));
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(/3 to 200 USD in whole dollars/);
    }
    const none = await failure(
      onlyfans.sendPaidMessage(credentials, { ...base, media: [], priceCents: 2500, currency: 'USD' }),
    );
    expect(none.message).toMatch(/needs media/);
    expect(onlyfans.refusesOffer({ priceCents: 300, currency: 'USD', mediaCount: 1 })).toBeUndefined();
    expect(onlyfans.refusesOffer({ priceCents: 200, currency: 'USD', mediaCount: 1 })).toMatch(/3 to 200/);
    expect(standin.calls).toEqual([]);
  });

  it('waits as long as a 429 says, and retries a server error', async () => {
    standin.failNext('send', { status: 429, retryAfter: 7 });
    const limited = await failure(onlyfans.send(credentials, { chatId: '1', text: 'a' }));
    expect(limited).toMatchObject({ kind: 'retryable', retryAfterMs: 7000, code: 'rate_limited' });
    standin.failNext('send', { status: 502 });
    expect((await failure(onlyfans.send(credentials, { chatId: '1', text: 'a' }))).kind).toBe('retryable');
    expect(standin.sent).toEqual([]);
  });

  it('never claims a send failed when the provider may have delivered it', async () => {
    standin.failNext('send', { processThenClose: true });
    const dropped = await failure(onlyfans.send(credentials, { chatId: '1', text: 'reçu ?' }));
    expect(dropped.kind).toBe('unknown');
    expect(standin.sent).toHaveLength(1);
    standin.failNext('send', { hangMs: 2000 });
    expect((await failure(onlyfans.send(credentials, { chatId: '1', text: 'lent' }))).kind).toBe('unknown');
  });

  it('a refused key is permanent and never echoed', async () => {
    const err = await failure(
      onlyfans.send({ ...credentials, apiKey: 'ofapi_revoked_key_0000000000' }, { chatId: '1', text: 'a' }),
    );
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_token' });
    expect(err.message).not.toContain('ofapi_revoked_key_0000000000');
  });

  it('a provider that cannot be reached is retried: nothing was sent', async () => {
    await standin.close();
    const err = await failure(onlyfans.send(credentials, { chatId: '1', text: 'a' }));
    expect(err).toMatchObject({ kind: 'retryable', code: 'network' });
    standin = await startOnlyFansStandin({ keys: {} });
  });
});
