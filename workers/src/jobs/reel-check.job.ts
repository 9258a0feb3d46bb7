import {
  accountsRepo,
  addDays,
  clockMinutes,
  localDate,
  localMinutes,
  missingReels,
  plannerRepo,
  type PostKind,
  type PublishPlatform,
} from '@velvet/shared';
import { owesDailyReel, PUBLISH_PROFILES } from '@velvet/platforms';
import type { WorkerContext } from '../context';
import type { Handler } from '../registry';

const DAY_MS = 86_400_000;

/**
 * The daily reel's safety net. Once a platform's market day reaches the configured hour
 * (18:00 by default, in the zone its first slot is counted in), tomorrow must have a reel
 * or short on every platform whose plan owes one and where the creator has a connected
 * account; otherwise one alert goes to the panel, the notifications and web push, once
 * per creator, platform and day whichever worker runs the check.
 */
export function createReelCheck(ctx: WorkerContext): Handler<'planner.reel_check'> {
  return async () => {
    const { at } = ctx.config.alerts.reel_missing;
    const now = ctx.now();
    for (const rules of await plannerRepo.all(ctx.db)) {
      const accounts = await accountsRepo.listByCreator(ctx.db, rules.creatorId);
      const connected = new Set(accounts.filter((a) => a.status !== 'disconnected').map((a) => a.platform));
      const owed = rules.platforms.filter(
        (plan) => plan.dailyReel && owesDailyReel(plan.platform) && connected.has(plan.platform),
      );
      if (owed.length === 0) continue;
      const calendar = await plannerRepo.calendar(
        ctx.db,
        rules.creatorId,
        new Date(now.getTime() - DAY_MS),
        new Date(now.getTime() + 3 * DAY_MS),
      );
      const scheduled = calendar.flatMap((row) =>
        row.at ? [{ platform: row.platform as PublishPlatform, at: row.at, kind: row.kind as PostKind }] : [],
      );
      for (const plan of owed) {
        const profile = plan.slots[0]?.profile;
        const zone = rules.markets.find((m) => m.id === profile)?.timeZone ?? rules.markets[0]?.timeZone;
        if (!zone || localMinutes(now, zone) < clockMinutes(at)) continue;
        const tomorrow = addDays(localDate(now, zone), 1);
        if (missingReels([plan], scheduled, tomorrow, owesDailyReel, rules.markets).length === 0) continue;
        const key = `${ctx.redisPrefix}:alert:reel_missing:${rules.creatorId}:${plan.platform}:${tomorrow}`;
        if ((await ctx.connection.set(key, '1', 'PX', 3 * DAY_MS, 'NX')) !== 'OK') continue;
        await ctx.publisher.emit({ creatorId: rules.creatorId }, 'alert', {
          kind: 'reel_missing',
          severity: 'warning',
          message: `No reel/short is planned on ${PUBLISH_PROFILES.get(plan.platform)?.label ?? plan.platform} for tomorrow (${tomorrow}, ${zone}): add one in the planner.`,
          creatorId: rules.creatorId,
          at: now.toISOString(),
        });
      }
    }
  };
}
