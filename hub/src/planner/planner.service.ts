import {
  accountsRepo,
  AppError,
  clockMinutes,
  creatorsRepo,
  localDate,
  localMinutes,
  LockBusy,
  MIN_POSTS_FOR_MODEL,
  NotFound,
  withRedisLock,
  planWeek,
  plannerRepo,
  postProblems,
  postsRepo,
  PUBLISH_PLATFORMS,
  zonedInstant,
  clockText,
  type AcceptPlanBody,
  type AcceptPlanView,
  type Actor,
  type AccountRecord,
  type ClockWindow,
  type MarketProfile,
  type MediaAssetRecord,
  type PlanView,
  type PlannerBestTimesView,
  type PlannerRulesBody,
  type PlannerView,
  type PlatformPlan,
  type PostKind,
  type PostRecord,
  type PublishPlatform,
  type ReadyContent,
} from '@velvet/shared';
import { owesDailyReel, POST_RULES } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import type { AnalyticsService } from '../analytics/analytics.service';
import type { PostsService } from '../posts/posts.service';
import { sameSlots, slotsFromHeatmap } from './planner.best-times';
import { defaultPlanner } from './planner.defaults';

/** Two posts closer than this on one platform take the same slot (as the planner counts). */
const SAME_SLOT_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

const isPublishing = (platform: string): platform is PublishPlatform =>
  (PUBLISH_PLATFORMS as readonly string[]).includes(platform);

function within(minute: number, w: ClockWindow): boolean {
  const start = clockMinutes(w.start);
  const end = clockMinutes(w.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Why a local time is refused by every market in that zone, or undefined when one allows it. */
function marketRefusal(markets: readonly MarketProfile[], at: Date, timeZone: string): string | undefined {
  const inZone = markets.filter((m) => m.timeZone === timeZone);
  if (inZone.length === 0) return `${timeZone} is not the zone of any of the creator's markets`;
  const minute = localMinutes(at, timeZone);
  const reasons = inZone.map((m) => {
    if (m.quiet && within(minute, m.quiet))
      return `falls in ${m.id}'s quiet hours (${m.quiet.start}–${m.quiet.end} ${timeZone})`;
    if (!within(minute, m.active))
      return `falls outside ${m.id}'s active hours (${m.active.start}–${m.active.end} ${timeZone})`;
    return undefined;
  });
  return reasons.includes(undefined) ? undefined : reasons[0];
}

/** What a library file becomes when it is planned on its own: a photo post, or a reel. */
function mediaKind(asset: MediaAssetRecord): PostKind | undefined {
  if (asset.kind === 'image') return 'text_photo';
  return asset.height > asset.width ? 'reel' : undefined;
}

/**
 * The planner per creator: its rules (markets, slots, mix, daily reel), "Plan the week" (a
 * proposal that writes nothing) and accepting it (posts and targets scheduled through the
 * posts service, each item checked again: anything that can no longer go is reported).
 */
export function createPlannerService(
  ctx: HubContext,
  deps: { posts: PostsService; analytics: AnalyticsService },
) {
  const { db } = ctx;

  async function creatorOf(actor: Actor, creatorId: string) {
    authorize(actor, 'planner:write', { creatorId });
    const creator = await creatorsRepo.findById(db, creatorId);
    if (!creator) throw new NotFound('Creator');
    return creator;
  }

  /** The account each publishing platform's posts go to: the creator's first connected one. */
  function accountsByPlatform(accounts: AccountRecord[]) {
    const byPlatform = new Map<PublishPlatform, AccountRecord>();
    for (const account of accounts) {
      if (account.status === 'disconnected' || !isPublishing(account.platform)) continue;
      if (!byPlatform.has(account.platform)) byPlatform.set(account.platform, account);
    }
    return byPlatform;
  }

  async function rulesOf(creatorId: string, connected: PublishPlatform[]) {
    const saved = await plannerRepo.find(db, creatorId);
    if (saved) return { saved, markets: saved.markets, platforms: saved.platforms };
    return { saved: undefined, ...defaultPlanner(connected) };
  }

  /** Draft posts and unused library files, as the planner takes them, with their labels. */
  async function readyContent(creatorId: string, byPlatform: Map<PublishPlatform, AccountRecord>) {
    const content: ReadyContent[] = [];
    const labels = new Map<string, string>();
    /** Per content and platform, the account its target is on. */
    const accountOf = new Map<string, string>();
    const drafts = await plannerRepo.draftPosts(db, creatorId);
    const targets = await postsRepo.targets(
      db,
      drafts.map((p) => p.id),
    );
    const media = await postsRepo.media(db, creatorId, [...new Set(drafts.flatMap((p) => p.mediaIds))]);
    for (const post of drafts) {
      const id = `post:${post.id}`;
      const platforms: PublishPlatform[] = [];
      for (const { target } of targets.filter((t) => t.target.postId === post.id)) {
        if (target.state !== 'draft' || !isPublishing(target.platform)) continue;
        if (platforms.includes(target.platform)) continue;
        const { problems } = postProblems(post, target.platform, media, POST_RULES.get(target.platform));
        if (problems.length) continue;
        platforms.push(target.platform);
        accountOf.set(`${id}|${target.platform}`, target.accountId);
      }
      if (platforms.length === 0) continue;
      content.push({ id, kind: post.kind as PostKind, platforms });
      labels.set(id, post.text.trim().slice(0, 80) || post.kind);
    }
    for (const asset of await plannerRepo.unusedMedia(db, creatorId)) {
      const kind = mediaKind(asset);
      if (!kind) continue;
      const id = `media:${asset.id}`;
      // A file goes where a post of just that file passes the platform's rules.
      const alone = {
        kind,
        text: '',
        hashtags: [],
        mediaIds: [asset.id],
        variants: {},
      } as unknown as PostRecord;
      const platforms = [...byPlatform.keys()].filter(
        (platform) => postProblems(alone, platform, [asset], POST_RULES.get(platform)).problems.length === 0,
      );
      if (platforms.length === 0) continue;
      for (const platform of platforms) accountOf.set(`${id}|${platform}`, byPlatform.get(platform)!.id);
      content.push({ id, kind, platforms });
      labels.set(id, asset.fileName);
    }
    return { content, labels, accountOf };
  }

  return {
    async get(actor: Actor, creatorId: string): Promise<PlannerView> {
      await creatorOf(actor, creatorId);
      const connected = [...accountsByPlatform(await accountsRepo.listByCreator(db, creatorId)).keys()];
      const rules = await rulesOf(creatorId, connected);
      return {
        creatorId,
        saved: rules.saved !== undefined,
        updatedAt: rules.saved?.updatedAt.toISOString() ?? null,
        markets: rules.markets,
        platforms: rules.platforms,
        connected,
      };
    },

    async put(actor: Actor, creatorId: string, body: PlannerRulesBody): Promise<PlannerView> {
      await creatorOf(actor, creatorId);
      await plannerRepo.save(
        db,
        creatorId,
        { markets: body.markets, platforms: body.platforms as PlatformPlan[] },
        actor.id,
      );
      return this.get(actor, creatorId);
    },

    /** "Plan the week": a proposal only; nothing is written. */
    async plan(actor: Actor, creatorId: string, body: { start?: string; days: number }): Promise<PlanView> {
      await creatorOf(actor, creatorId);
      const now = ctx.now();
      const byPlatform = accountsByPlatform(await accountsRepo.listByCreator(db, creatorId));
      const rules = await rulesOf(creatorId, [...byPlatform.keys()]);
      const zone = rules.markets[0]!.timeZone;
      const start = body.start ?? localDate(now, zone);
      const from = zonedInstant(start, 0, zone);
      if (from.getTime() > now.getTime() + 366 * DAY_MS)
        throw new AppError(422, 'validation_failed', 'start: is more than a year ahead', {
          fields: [{ path: 'start', message: 'is more than a year ahead' }],
        });
      if (from.getTime() < now.getTime() - 2 * DAY_MS)
        throw new AppError(422, 'validation_failed', 'start: is in the past: plan from today on', {
          fields: [{ path: 'start', message: 'is in the past: plan from today on' }],
        });
      const plans = rules.platforms.filter((p) => byPlatform.has(p.platform));
      const unconnected = rules.platforms.filter((p) => !byPlatform.has(p.platform)).map((p) => p.platform);
      // A day either side: a market behind or ahead of the first one still sees its posts.
      const calendar = await plannerRepo.calendar(
        db,
        creatorId,
        new Date(from.getTime() - DAY_MS),
        new Date(from.getTime() + (body.days + 2) * DAY_MS),
      );
      const { content, labels, accountOf } = await readyContent(creatorId, byPlatform);
      const week = planWeek({
        owesReel: owesDailyReel,
        seed: creatorId,
        start,
        days: body.days,
        now,
        plans,
        profiles: rules.markets,
        content,
        scheduled: calendar.flatMap((row) =>
          row.at && isPublishing(row.platform)
            ? [
                {
                  platform: row.platform,
                  at: row.at,
                  kind: row.kind as PostKind,
                  contentId: `post:${row.postId}`,
                },
              ]
            : [],
        ),
      });
      return {
        creatorId,
        start,
        days: body.days,
        items: week.proposals.map((p) => ({
          contentId: p.contentId,
          kind: p.kind,
          platform: p.platform,
          accountId: accountOf.get(`${p.contentId}|${p.platform}`)!,
          at: p.at.toISOString(),
          timeZone: p.timeZone,
          profile: p.profile,
          date: p.date,
          localTime: p.localTime,
          reel: p.reel,
          label: labels.get(p.contentId) ?? p.kind,
        })),
        unfilled: week.unfilled.map((u) => ({
          platform: u.platform,
          at: u.at.toISOString(),
          timeZone: u.timeZone,
          profile: u.profile,
          date: u.date,
          localTime: u.localTime,
        })),
        reelGaps: week.reelGaps,
        unconnected,
      };
    },

    /**
     * The analytics' best times (the method the analytics page uses: the model where it beat
     * the baseline) as each platform's slots, keeping its posts per day: the best open hours
     * of the market profile in the creator's zone. Nothing is written: the rules returned are
     * what saving applies.
     */
    async bestTimes(actor: Actor, creatorId: string): Promise<PlannerBestTimesView> {
      const creator = await creatorOf(actor, creatorId);
      const connected = [...accountsByPlatform(await accountsRepo.listByCreator(db, creatorId)).keys()];
      const rules = await rulesOf(creatorId, connected);
      const analytics = await deps.analytics.bestTimes(actor, { creatorId });
      const profile = rules.markets.find((m) => m.timeZone === creator.timezone) ?? null;
      const view: PlannerBestTimesView = {
        creatorId,
        timeZone: creator.timezone,
        profile: profile?.id ?? null,
        from: analytics.from,
        to: analytics.to,
        platforms: [],
        skipped: [],
        rules: { markets: rules.markets, platforms: rules.platforms },
      };
      const platforms = rules.platforms.map((plan) => {
        const found = analytics.platforms.find((r) => r.platform === plan.platform);
        const skip = (reason: PlannerBestTimesView['skipped'][number]['reason']) => {
          view.skipped.push({ platform: plan.platform, reason });
          return plan;
        };
        if (!found) return skip('no_history');
        // Under 30 posts the hours are noise; from there the baseline (or the model) speaks.
        if (found.posts < MIN_POSTS_FOR_MODEL) return skip('too_few_posts');
        if (!profile) return skip('no_market_in_zone');
        const posts = Math.max(
          1,
          plan.slots.reduce((n, s) => n + s.posts, 0),
        );
        const { slots, hours } = slotsFromHeatmap({
          heatmap: found.heatmap,
          profile,
          posts: Math.min(12, posts),
          jitterMinutes: Math.min(30, plan.slots[0]?.jitterMinutes ?? 20),
        });
        if (slots.length === 0) return skip('no_open_hours');
        view.platforms.push({
          platform: plan.platform,
          used: found.used,
          posts: found.posts,
          trainedAt: found.trainedAt,
          hours: [...hours],
          current: plan.slots,
          proposed: slots,
          changed: !sameSlots(plan.slots, slots),
        });
        return { ...plan, slots };
      });
      view.rules = { markets: rules.markets, platforms };
      return view;
    },

    /**
     * Schedules accepted items, each checked again against what changed since the proposal:
     * the account, the time (still to come, inside a market's hours), the slot (still free)
     * and the content (still a draft, or a file no post uses). An item that fails any of
     * these is returned with its reason; the others are scheduled.
     */
    async accept(actor: Actor, creatorId: string, body: AcceptPlanBody): Promise<AcceptPlanView> {
      await creatorOf(actor, creatorId);
      // One acceptance per creator at a time, across hubs: a second one (another admin, a
      // double click) waits, then finds the content already placed and says so per item.
      try {
        return await withRedisLock(ctx.redis, `${ctx.redisPrefix}:planner:accept:${creatorId}`, () =>
          placePlan(actor, creatorId, body),
        );
      } catch (error) {
        if (error instanceof LockBusy)
          throw new AppError(
            409,
            'plan_busy',
            'Another plan is being accepted for this creator: look at the calendar, then try again',
          );
        throw error;
      }
    },
  };

  async function placePlan(actor: Actor, creatorId: string, body: AcceptPlanBody): Promise<AcceptPlanView> {
    const now = ctx.now();
    const accounts = await accountsRepo.listByCreator(db, creatorId);
    const byPlatform = accountsByPlatform(accounts);
    const rules = await rulesOf(creatorId, [...byPlatform.keys()]);
    const calendar = await plannerRepo.calendar(
      db,
      creatorId,
      new Date(now.getTime() - DAY_MS),
      new Date(now.getTime() + 368 * DAY_MS),
    );
    const taken = calendar.flatMap((row) => (row.at ? [{ platform: row.platform, at: row.at }] : []));
    const { content, accountOf } = await readyContent(creatorId, byPlatform);
    const result: AcceptPlanView = { scheduled: [], notPlaced: [] };
    const refuse = (item: AcceptPlanBody['items'][number], reason: string) =>
      result.notPlaced.push({ contentId: item.contentId, platform: item.platform, at: item.at, reason });

    const items = [...body.items].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const placeable: AcceptPlanBody['items'] = [];
    for (const item of items) {
      const at = new Date(item.at);
      const account = accounts.find((a) => a.id === item.accountId);
      const ready = content.find((c) => c.id === item.contentId);
      const clash = taken.find(
        (t) => t.platform === item.platform && Math.abs(t.at.getTime() - at.getTime()) < SAME_SLOT_MS,
      );
      const reason =
        !account || account.platform !== item.platform
          ? `the account is not one of this creator's ${item.platform} accounts`
          : account.status === 'disconnected'
            ? 'the account is disconnected: reconnect it first'
            : at.getTime() <= now.getTime() + 60_000
              ? 'this time has passed: plan the week again'
              : at.getTime() > now.getTime() + 366 * DAY_MS
                ? 'is more than a year ahead'
                : (marketRefusal(rules.markets, at, item.timeZone) ??
                  (clash
                    ? `another post is on ${item.platform} at ${localDate(clash.at, item.timeZone)} ${clockText(localMinutes(clash.at, item.timeZone))} (${item.timeZone})`
                    : !ready || !ready.platforms?.includes(item.platform)
                      ? item.contentId.startsWith('post:')
                        ? `this post is no longer a draft ready for ${item.platform}`
                        : `this file is used by a post now, or cannot go to ${item.platform}`
                      : accountOf.get(`${item.contentId}|${item.platform}`) !== item.accountId
                        ? 'the post has no draft target on this account'
                        : placeable.some(
                              (p) => p.contentId === item.contentId && p.platform === item.platform,
                            )
                          ? `it is already placed on ${item.platform} in this plan`
                          : undefined));
      if (reason) refuse(item, reason);
      else {
        placeable.push(item);
        taken.push({ platform: item.platform, at });
      }
    }

    // A library file becomes one post, with a target on each platform it was placed on.
    const postOf = new Map<string, string>();
    for (const item of placeable) {
      const [type, id] = item.contentId.split(':') as ['post' | 'media', string];
      if (type === 'post') postOf.set(item.contentId, id);
      else if (!postOf.has(item.contentId)) {
        const group = placeable.filter((p) => p.contentId === item.contentId);
        try {
          const post = await deps.posts.create(actor, creatorId, {
            kind: content.find((c) => c.id === item.contentId)!.kind,
            text: '',
            hashtags: [],
            mediaIds: [id],
            variants: {},
            accountIds: group.map((p) => p.accountId),
          });
          postOf.set(item.contentId, post.id);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          postOf.set(item.contentId, '');
        }
      }
    }
    for (const item of placeable) {
      const postId = postOf.get(item.contentId);
      if (!postId) {
        refuse(item, 'the post for this file could not be written');
        continue;
      }
      try {
        await deps.posts.schedule(actor, postId, {
          at: item.at,
          timeZone: item.timeZone,
          accountIds: [item.accountId],
        });
        result.scheduled.push({ contentId: item.contentId, platform: item.platform, postId, at: item.at });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refuse(item, error.message);
      }
    }
    return result;
  }
}

export type PlannerService = ReturnType<typeof createPlannerService>;
