import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, zonedInstant } from '@velvet/shared';
import { creatorBody, type Client } from './harness';
import { verticalVideo } from './publishing-fixtures';
import { Stack, until, type VelvetProcess } from './stack';

const FR = {
  id: 'FR',
  market: 'FR',
  timeZone: 'Europe/Paris',
  active: { start: '07:00', end: '23:00' },
  quiet: { start: '02:00', end: '06:00' },
};
const plan = (platform: string) => ({
  platform,
  slots: [{ profile: 'FR', start: '11:00', end: '14:00', posts: 1, jitterMinutes: 10 }],
  mix: { reel: 1, text_photo: 2 },
  dailyReel: true,
});

/**
 * The daily reel alert on real processes: the workers process runs the repeated check (here
 * every second, from 00:00 market time so it applies whenever the test runs) and alerts for
 * a platform whose tomorrow has no reel, once, and not for one that has its reel.
 */
describe('the daily reel alert', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let creatorId: string;

  const reelNotices = async () =>
    (
      (await admin.get('/api/notifications?limit=100')).body.notifications as {
        kind: string;
        message: string;
        creatorId: string;
        url: string;
      }[]
    ).filter((n) => n.kind === 'reel_missing');

  beforeAll(async () => {
    stack = await Stack.create({
      env: { LOG_LEVEL: 'warn' },
      config: (yaml) => {
        const changed = yaml.replace(
          "reel_missing:\n    at: '18:00'\n    check_every: 15m",
          "reel_missing:\n    at: '00:00'\n    check_every: 1s",
        );
        if (changed === yaml) throw new Error('the reel check settings moved in config/velvet.yaml');
        return changed;
      },
    });
    hub = await stack.start('hub');
    await stack.start('workers');
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    // Instagram and TikTok would need their stand-ins: their rows as a connection leaves them.
    const [instagram] = await stack.query<{ id: string }>(
      `insert into platform_accounts (creator_id, platform, label, credentials_enc, settings)
       values ('${creatorId}', 'instagram', 'Insta', 'sealed', '{}'), ('${creatorId}', 'tiktok', 'Tok', 'sealed', '{}')
       returning id`,
    );
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(verticalVideo(12))]), 'reel.mp4');
    const media = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(media.status).toBe(201);
    const mediaId = ((await media.json()) as { id: string }).id;
    // Tomorrow's reel, on Instagram only.
    const post = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'reel',
      text: 'Demain',
      mediaIds: [mediaId],
      accountIds: [instagram!.id],
    });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const tomorrow = addDays(localDate(new Date(), 'Europe/Paris'), 1);
    const at = zonedInstant(tomorrow, 12 * 60, 'Europe/Paris').toISOString();
    const scheduled = await admin.post(`/api/posts/${post.body.id}/schedule`, {
      at,
      timeZone: 'Europe/Paris',
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    // The rules come last: the check looks only at creators with saved rules.
    const saved = await admin.put(`/api/creators/${creatorId}/planner`, {
      markets: [FR],
      platforms: [plan('instagram'), plan('tiktok')],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
  });

  it('alerts once for the platform whose tomorrow lacks a reel, not for the one that has it', async () => {
    const tomorrow = addDays(localDate(new Date(), 'Europe/Paris'), 1);
    const [notice] = await until(
      async () => {
        const found = await reelNotices();
        return found.length ? found : undefined;
      },
      20_000,
      'a reel_missing notification',
    );
    expect(notice).toMatchObject({ creatorId, url: '/planner' });
    expect(notice!.message).toContain('TikTok');
    expect(notice!.message).toContain(tomorrow);
    // Several checks later: still one alert, and none for Instagram, whose reel is planned.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const notices = await reelNotices();
    expect(notices).toHaveLength(1);
    expect(notices.some((n) => n.message.includes('Instagram'))).toBe(false);
  });
});
