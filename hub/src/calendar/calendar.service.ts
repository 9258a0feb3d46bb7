import {
  addDays,
  calendarRepo,
  can,
  creatorsRepo,
  localDate,
  NotFound,
  zonedInstant,
  type Actor,
  type CalendarPost,
  type CalendarQuery,
  type CalendarResponse,
  type CreatorRecord,
  type PostKind,
  type PostTargetState,
  PUBLISH_PLATFORMS,
  type PublishPlatform,
} from '@velvet/shared';
import { owesDailyReel } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

/** A reel in these states is on the calendar for its day; a failed or draft one is not. */
const COVERING: readonly PostTargetState[] = ['scheduled', 'publishing', 'published', 'unconfirmed'];
const EXCERPT = 140;

/**
 * The publishing calendar: every target placed in a span, for one creator or all those the
 * user works for, and the daily reel each creator owes on the platforms that need one.
 */
export function createCalendarService(ctx: HubContext) {
  const { db } = ctx;

  async function creatorsFor(actor: Actor, creatorId?: string): Promise<CreatorRecord[]> {
    if (creatorId) {
      authorize(actor, 'post:read', { creatorId });
      const creator = await creatorsRepo.findById(db, creatorId);
      if (!creator) throw new NotFound('Creator');
      return [creator];
    }
    authorize(actor, 'post:read');
    const rows = await creatorsRepo.list(
      db,
      actor.role === 'admin' ? undefined : actor.creatorIds,
      'exclude',
    );
    return rows.filter((c) => can(actor, 'post:read', { creatorId: c.id }));
  }

  return {
    async read(actor: Actor, query: CalendarQuery): Promise<CalendarResponse> {
      const creators = await creatorsFor(actor, query.creatorId);
      const ids = creators.map((c) => c.id);
      const from = new Date(query.from);
      const to = new Date(query.to);
      const rows = await calendarRepo.targetsBetween(db, ids, from, to, query.platform);

      const byPost = new Map<string, CalendarPost>();
      for (const { post, target, accountLabel } of rows) {
        let entry = byPost.get(post.id);
        if (!entry) {
          entry = {
            id: post.id,
            creatorId: post.creatorId,
            kind: post.kind as PostKind,
            excerpt: post.text.length > EXCERPT ? `${post.text.slice(0, EXCERPT - 1)}…` : post.text,
            version: post.version,
            targets: [],
          };
          byPost.set(post.id, entry);
        }
        entry.targets.push({
          accountId: target.accountId,
          platform: target.platform as PublishPlatform,
          accountLabel,
          state: target.state as PostTargetState,
          scheduledAt: target.scheduledAt!.toISOString(),
          timeZone: target.timeZone,
          ...(target.remoteUrl ? { remoteUrl: target.remoteUrl } : {}),
        });
      }

      // The reel owed per local day, from today on, for the days wholly inside the span.
      const platforms = PUBLISH_PLATFORMS.filter(
        (p) => owesDailyReel(p) && (!query.platform || p === query.platform),
      );
      const owing = await calendarRepo.accountsOn(db, ids, platforms);
      const reels: CalendarResponse['reels'] = [];
      const seen = new Set<string>();
      for (const { creatorId, platform } of owing) {
        if (seen.has(`${creatorId}/${platform}`)) continue;
        seen.add(`${creatorId}/${platform}`);
        const zone = creators.find((c) => c.id === creatorId)!.timezone;
        const today = localDate(ctx.now(), zone);
        const start = localDate(from, zone);
        for (let date = start < today ? today : start; ; date = addDays(date, 1)) {
          if (zonedInstant(addDays(date, 1), 0, zone) > to) break;
          if (zonedInstant(date, 0, zone) < from) continue;
          const covered = rows.some(
            ({ post, target }) =>
              post.creatorId === creatorId &&
              target.platform === platform &&
              post.kind === 'reel' &&
              COVERING.includes(target.state as PostTargetState) &&
              localDate(target.scheduledAt!, zone) === date,
          );
          reels.push({ creatorId, platform: platform as PublishPlatform, date, covered });
        }
      }

      return {
        creators: creators.map((c) => ({ id: c.id, name: c.name, timeZone: c.timezone })),
        posts: [...byPost.values()],
        reels,
      };
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
