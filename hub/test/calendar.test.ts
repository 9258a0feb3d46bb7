import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, zonedInstant } from '@velvet/shared';
import { instagramAccount, sandboxAccount, scheduledPost, uploadReel } from './publishing-fixtures';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const PARIS = 'Europe/Paris';

describe('the publishing calendar API', () => {
  let hub: TestHub;
  let admin: Client;
  let lina: string;
  let other: string;
  let linaSandbox: string;
  let linaInstagram: string;
  let reelVideo: string;
  /** Tomorrow in Paris: every post of this test is in the future. */
  let day: string;

  const as = async (email: string, role: 'manager' | 'chatter' | 'model', creators: string[]) => {
    const user = await hub.createUser(email, role, creators);
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };
  const span = (from: string, days: number, extra = '') =>
    `/api/calendar?from=${encodeURIComponent(zonedInstant(from, 0, PARIS).toISOString())}&to=${encodeURIComponent(
      zonedInstant(addDays(from, days), 0, PARIS).toISOString(),
    )}${extra}`;

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    lina = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    other = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    linaSandbox = await sandboxAccount(admin, lina, 'calendar-lina-sandbox');
    linaInstagram = await instagramAccount(hub, lina);
    reelVideo = await uploadReel(hub, admin, lina);
    day = addDays(localDate(new Date(), PARIS), 1);
  }, 60_000);
  afterAll(() => hub?.stop());

  it('lists the targets placed in the span, grouped by post, and leaves drafts and other days out', async () => {
    const at = zonedInstant(day, 10 * 60, PARIS);
    const inside = await scheduledPost(
      admin,
      lina,
      { kind: 'text', text: 'Bonjour', accountIds: [linaSandbox] },
      at,
    );
    const later = await scheduledPost(
      admin,
      lina,
      { kind: 'text', text: 'Plus tard', accountIds: [linaSandbox] },
      zonedInstant(addDays(day, 3), 9 * 60, PARIS),
    );
    const draft = (
      await admin.post(`/api/creators/${lina}/posts`, {
        kind: 'text',
        text: 'Brouillon',
        accountIds: [linaSandbox],
      })
    ).body.id;

    const response = await admin.get(span(day, 2, `&creatorId=${lina}`));
    expect(response.status).toBe(200);
    const ids = response.body.posts.map((p: { id: string }) => p.id);
    expect(ids).toContain(inside);
    expect(ids).not.toContain(later);
    expect(ids).not.toContain(draft);
    expect(response.body.posts.find((p: { id: string }) => p.id === inside)).toMatchObject({
      creatorId: lina,
      kind: 'text',
      excerpt: 'Bonjour',
      targets: [
        { accountId: linaSandbox, platform: 'sandbox', state: 'scheduled', scheduledAt: at.toISOString() },
      ],
    });
    expect(response.body.creators).toEqual([{ id: lina, name: 'Lina', timeZone: PARIS }]);
  });

  it('marks each day a platform that needs a reel has none, counted in the creator’s own day', async () => {
    // Just after midnight in Paris is still the day before in UTC: the reel counts for Paris's day.
    const reel = await scheduledPost(
      admin,
      lina,
      { kind: 'reel', text: 'Reel', mediaIds: [reelVideo], accountIds: [linaInstagram] },
      zonedInstant(addDays(day, 1), 30, PARIS),
    );
    const response = await admin.get(span(day, 3, `&creatorId=${lina}`));
    expect(response.body.posts.map((p: { id: string }) => p.id)).toContain(reel);
    expect(response.body.reels).toEqual([
      { creatorId: lina, platform: 'instagram', date: day, covered: false },
      { creatorId: lina, platform: 'instagram', date: addDays(day, 1), covered: true },
      { creatorId: lina, platform: 'instagram', date: addDays(day, 2), covered: false },
    ]);
    // Filtered by a platform that owes no reel, nothing is owed.
    expect((await admin.get(span(day, 3, `&creatorId=${lina}&platform=sandbox`))).body.reels).toEqual([]);
  });

  it('counts a reel on the Paris day across the spring daylight-saving change', async () => {
    // 28 March 2027: Paris moves from +01:00 to +02:00 at 02:00.
    const dst = '2027-03-28';
    await scheduledPost(
      admin,
      lina,
      { kind: 'reel', text: 'Reel DST', mediaIds: [reelVideo], accountIds: [linaInstagram] },
      new Date('2027-03-27T23:30:00Z'),
    );
    const response = await admin.get(span('2027-03-27', 3, `&creatorId=${lina}&platform=instagram`));
    expect(response.body.reels).toEqual([
      { creatorId: lina, platform: 'instagram', date: '2027-03-27', covered: false },
      { creatorId: lina, platform: 'instagram', date: dst, covered: true },
      { creatorId: lina, platform: 'instagram', date: '2027-03-29', covered: false },
    ]);
  });

  it('shows a manager every creator they work for, and nobody else’s', async () => {
    const otherSandbox = await sandboxAccount(admin, other, 'calendar-other-sandbox');
    const otherPost = await scheduledPost(
      admin,
      other,
      { kind: 'text', text: 'Autre', accountIds: [otherSandbox] },
      zonedInstant(day, 12 * 60, PARIS),
    );
    const manager = await as('cal-manager@test.velvet', 'manager', [lina]);
    const mine = await manager.get(span(day, 2));
    expect(mine.status).toBe(200);
    expect(mine.body.creators.map((c: { id: string }) => c.id)).toEqual([lina]);
    expect(mine.body.posts.every((p: { creatorId: string }) => p.creatorId === lina)).toBe(true);
    expect((await manager.get(span(day, 2, `&creatorId=${other}`))).status).toBe(403);
    // Admins see every creator.
    const all = await admin.get(span(day, 2));
    expect(all.body.posts.map((p: { id: string }) => p.id)).toContain(otherPost);
    // Chatters do not handle posts.
    const chatter = await as('cal-chatter@test.velvet', 'chatter', [lina]);
    expect((await chatter.get(span(day, 2))).status).toBe(403);
    const model = await as('cal-model@test.velvet', 'model', [lina]);
    expect((await model.get(span(day, 2))).body.creators.map((c: { id: string }) => c.id)).toEqual([lina]);
  });

  it('refuses a span that ends before it starts, or runs past 62 days, on the field at fault', async () => {
    const backwards = await admin.get(
      `/api/calendar?from=2027-01-10T00:00:00Z&to=2027-01-01T00:00:00Z&creatorId=${lina}`,
    );
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.details.fields).toEqual([{ path: 'to', message: 'must be after from' }]);
    const long = await admin.get('/api/calendar?from=2027-01-01T00:00:00Z&to=2027-06-01T00:00:00Z');
    expect(long.status).toBe(422);
    expect(long.body.error.details.fields).toEqual([
      { path: 'to', message: 'must be at most 62 days after from' },
    ]);
  });
});
