import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstagramAccounts } from './instagram.account';
import { createGraph } from './instagram.graph';
import { createInstagramPublisher } from './instagram.publisher';
import { startInstagramStandin, type InstagramStandin } from './instagram.standin';

const TOKEN = 'EAAG-metrics-test-long-lived-token-0123456789';
const IG_USER = '17841400000000088';

describe('Instagram post insights and follower figures', () => {
  let standin: InstagramStandin;
  beforeAll(async () => {
    standin = await startInstagramStandin({
      accounts: { [TOKEN]: { igUserId: IG_USER, username: 'maya.test' } },
    });
  });
  afterAll(async () => {
    await standin?.close();
  });

  const publisher = () =>
    createInstagramPublisher({
      apiRoot: standin.apiRoot,
      publicUrl: 'https://velvet.example',
      store: { get: async () => null, set: async () => 'OK' },
      prefix: 'test',
    });
  const media = (id: string, ageMs: number) => ({
    id,
    igUserId: IG_USER,
    mediaType: 'IMAGE' as const,
    caption: 'Golden hour',
    permalink: `https://www.instagram.com/p/${id}/`,
    timestamp: new Date(Date.now() - ageMs).toISOString().replace(/\.\d+Z$/, '+0000'),
    items: [],
  });

  it('reads likes, comments, shares, saves, reach and views from the media insights, growing with age', async () => {
    standin.posts.push(media('1790000000000001', 60_000), media('1790000000000002', 3 * 24 * 3600_000));
    const credentials = (
      await createInstagramAccounts(createGraph(standin.apiRoot)).connect({
        igUserId: IG_USER,
        igAccessToken: TOKEN,
      })
    ).credentials;
    const fresh = await publisher().metrics!(credentials, '1790000000000001');
    const older = await publisher().metrics!(credentials, '1790000000000002');
    for (const m of [fresh, older])
      expect(Object.keys(m).sort()).toEqual(['comments', 'likes', 'reach', 'saves', 'shares', 'views']);
    expect(fresh.likes).toBeGreaterThanOrEqual(40);
    expect(older.views).toBeGreaterThan(fresh.views * 5);
    expect(older.reach!).toBeLessThan(older.views);
    await expect(publisher().metrics!(credentials, '1790000000009999')).rejects.toThrow(/does not exist/);
  });

  it('reads the followers and their countries from follower_demographics', async () => {
    const credentials = (
      await createInstagramAccounts(createGraph(standin.apiRoot)).connect({
        igUserId: IG_USER,
        igAccessToken: TOKEN,
      })
    ).credentials;
    const figures = await publisher().accountMetrics!(credentials);
    expect(figures.followers).toBe(2400 + 37 * 2);
    const geo = figures.geography!;
    expect(Object.keys(geo)).toEqual(['FR', 'US', 'BE', 'CA']);
    expect(geo.FR! / figures.followers).toBeCloseTo(0.62, 2);
  });
});
