import {
  accountsRepo,
  AppError,
  Conflict,
  creatorsRepo,
  NotFound,
  postsRepo,
  type Actor,
  type CreatePostBody,
  postProblems,
  postScheduleRepo,
  type InboxPublisher,
  type OutboxRelay,
  presentPostUpdate,
  type PostTargetChange,
  type SchedulePostBody,
  type MediaAssetRecord,
  type PatchPostBody,
  type PostRecord,
  type PostTargetState,
  type PostView,
  type PublishPlatform,
} from '@velvet/shared';
import { POST_RULES } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';

/**
 * Posts and their targets. Each target is checked against its platform's rules whenever the
 * post is read, so the reasons a post cannot go somewhere are always current; a post being
 * published is never edited underneath, and an edit made on an older version is refused.
 */
export function createPostsService(ctx: HubContext, deps: { relay: OutboxRelay; publisher: InboxPublisher }) {
  const { db } = ctx;

  /**
   * After commit, tells the creator's room about each target of the post as it now is, and
   * about the targets in `before` that are gone (removed, or the post deleted).
   */
  async function announce(postId: string, creatorId: string, before: PostTargetChange[] = []) {
    const now = (await postsRepo.targets(db, [postId])).map((t) => t.target);
    const gone = before.filter((b) => !now.some((t) => t.id === b.id));
    for (const target of [
      ...now.map((t) => ({ t, deleted: false })),
      ...gone.map((t) => ({ t, deleted: true })),
    ])
      await deps.publisher
        .emit(
          { publishing: creatorId },
          'post:update',
          presentPostUpdate(target.t, creatorId, target.deleted),
        )
        .catch((error: unknown) => ctx.logger.warn({ err: error, postId }, 'post:update not sent'));
  }

  const targetsOf = async (postId: string) => (await postsRepo.targets(db, [postId])).map((t) => t.target);

  async function present(rows: PostRecord[]): Promise<PostView[]> {
    const targets = await postsRepo.targets(
      db,
      rows.map((p) => p.id),
    );
    // The media of every post listed, one query per creator (a list is one creator's).
    const library = new Map<string, MediaAssetRecord[]>();
    for (const creatorId of new Set(rows.map((p) => p.creatorId))) {
      const ids = [...new Set(rows.filter((p) => p.creatorId === creatorId).flatMap((p) => p.mediaIds))];
      library.set(creatorId, await postsRepo.media(db, creatorId, ids));
    }
    const views: PostView[] = [];
    for (const post of rows) {
      const media = library.get(post.creatorId)!;
      const mine = targets.filter((t) => t.target.postId === post.id);
      const presented = mine.map(({ target, accountLabel }) => {
        const { problems } = postProblems(
          post,
          target.platform,
          media,
          POST_RULES.get(target.platform as PublishPlatform),
        );
        return {
          id: target.id,
          accountId: target.accountId,
          platform: target.platform,
          accountLabel,
          state: target.state as PostTargetState,
          scheduledAt: target.scheduledAt?.toISOString() ?? null,
          timeZone: target.timeZone,
          remoteId: target.remoteId,
          remoteUrl: target.remoteUrl,
          error: target.lastError,
          problems,
        };
      });
      views.push({
        id: post.id,
        creatorId: post.creatorId,
        kind: post.kind as PostView['kind'],
        text: post.text,
        hashtags: post.hashtags,
        mediaIds: post.mediaIds,
        variants: post.variants,
        version: post.version,
        createdAt: post.createdAt.toISOString(),
        updatedAt: post.updatedAt.toISOString(),
        targets: presented,
        ready: presented.length > 0 && presented.every((t) => t.problems.length === 0),
      });
    }
    return views;
  }

  /** The creator's media and publishing accounts a body names, or a 422 on the field at fault. */
  async function resolve(creatorId: string, body: { mediaIds?: string[]; accountIds?: string[] }) {
    const issues: { path: string; message: string }[] = [];
    if (body.mediaIds) {
      const found = new Set((await postsRepo.media(db, creatorId, body.mediaIds)).map((m) => m.id));
      body.mediaIds.forEach((id, i) => {
        if (!found.has(id))
          issues.push({ path: `mediaIds.${i}`, message: "is not in this creator's media library" });
      });
      if (new Set(body.mediaIds).size !== body.mediaIds.length)
        issues.push({ path: 'mediaIds', message: 'lists the same media twice' });
    }
    const targets: { accountId: string; platform: PublishPlatform }[] = [];
    if (body.accountIds) {
      const accounts = await accountsRepo.listByCreator(db, creatorId);
      body.accountIds.forEach((id, i) => {
        const account = accounts.find((a) => a.id === id);
        if (!account)
          issues.push({ path: `accountIds.${i}`, message: "is not one of this creator's accounts" });
        else if (!POST_RULES.has(account.platform as PublishPlatform))
          issues.push({ path: `accountIds.${i}`, message: `Velvet does not publish to ${account.platform}` });
        else if (account.status === 'disconnected')
          issues.push({ path: `accountIds.${i}`, message: 'is disconnected: reconnect it first' });
        else targets.push({ accountId: id, platform: account.platform as PublishPlatform });
      });
      if (new Set(body.accountIds).size !== body.accountIds.length)
        issues.push({ path: 'accountIds', message: 'lists the same account twice' });
    }
    if (issues.length) throw new ValidationFailed(issues);
    return targets;
  }

  async function load(actor: Actor, id: string, action: 'post:read' | 'post:write') {
    const post = await postsRepo.findById(db, id);
    if (!post) throw new NotFound('Post');
    authorize(actor, action, { creatorId: post.creatorId });
    return post;
  }

  return {
    async list(
      actor: Actor,
      creatorId: string,
      query: { state?: PostTargetState; from?: string; to?: string; limit: number },
    ) {
      authorize(actor, 'post:read', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
      const { state, limit } = query;
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      return {
        posts: await present(await postsRepo.listByCreator(db, creatorId, { state, from, to, limit })),
      };
    },

    async create(actor: Actor, creatorId: string, body: CreatePostBody): Promise<PostView> {
      authorize(actor, 'post:write', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
      const targets = await resolve(creatorId, body);
      const post = await postsRepo.create(
        db,
        {
          creatorId,
          kind: body.kind,
          text: body.text,
          hashtags: body.hashtags,
          mediaIds: body.mediaIds,
          variants: body.variants,
          createdBy: actor.id,
        },
        targets,
      );
      await announce(post.id, creatorId);
      return (await present([post]))[0]!;
    },

    async get(actor: Actor, id: string): Promise<PostView> {
      return (await present([await load(actor, id, 'post:read')]))[0]!;
    },

    async update(actor: Actor, id: string, body: PatchPostBody): Promise<PostView> {
      const post = await load(actor, id, 'post:write');
      const targets = await resolve(post.creatorId, body);
      const { version, accountIds, ...change } = body;
      const before = await targetsOf(id);
      const outcome = await postsRepo.update(db, id, version, change, accountIds ? targets : undefined);
      if (outcome === 'missing') throw new NotFound('Post');
      if (outcome === 'stale')
        throw new Conflict(
          'This post was changed by someone else meanwhile: reload it, then make your change again',
        );
      if (outcome === 'publishing')
        throw new AppError(
          409,
          'publishing',
          'This post is being published right now: change it once that is done',
        );
      if (typeof outcome === 'object')
        throw new AppError(
          409,
          'target_locked',
          `A target that is ${outcome.locked.join(', ')} cannot be removed: cancel it first`,
        );
      await announce(id, post.creatorId, before);
      return (await present([(await postsRepo.findById(db, id))!]))[0]!;
    },

    /**
     * Puts targets on the calendar at `at` (or moves them there). Every chosen target must
     * be free of problems, or nothing is scheduled and each target says what to fix.
     */
    async schedule(actor: Actor, id: string, body: SchedulePostBody): Promise<PostView> {
      const post = await load(actor, id, 'post:write');
      const at = new Date(body.at);
      if (at.getTime() < ctx.now().getTime() - 60_000)
        throw new ValidationFailed([{ path: 'at', message: 'is in the past: choose a time to come' }]);
      if (at.getTime() > ctx.now().getTime() + 366 * 86_400_000)
        throw new ValidationFailed([{ path: 'at', message: 'is more than a year ahead' }]);
      const view = (await present([post]))[0]!;
      const chosen = body.accountIds
        ? view.targets.filter((t) => body.accountIds!.includes(t.accountId))
        : view.targets.filter((t) => ['draft', 'failed', 'scheduled'].includes(t.state));
      const unknown = (body.accountIds ?? []).filter((a) => !view.targets.some((t) => t.accountId === a));
      if (unknown.length)
        throw new ValidationFailed(
          unknown.map((a) => ({ path: 'accountIds', message: `${a} is not a target of this post` })),
        );
      if (chosen.length === 0)
        throw new AppError(409, 'nothing_to_schedule', 'No target of this post can be scheduled');
      const live = chosen.filter((t) => !['draft', 'failed', 'scheduled'].includes(t.state));
      if (live.length)
        throw new AppError(
          409,
          'target_locked',
          `Already ${live.map((t) => `${t.state} on ${t.platform}`).join(', ')}: it cannot be scheduled again`,
        );
      // Nothing is scheduled while a target is not ready: each problem on its target's field.
      const notReady = chosen.filter((t) => t.problems.length > 0);
      if (notReady.length)
        throw new ValidationFailed(
          notReady.flatMap((t) =>
            t.problems.map((p) => ({
              path: `targets.${t.accountId}.${p.field}`,
              message: `${t.accountLabel || t.platform}: ${p.message}`,
            })),
          ),
        );
      const creator = await creatorsRepo.findById(db, post.creatorId);
      const { outbox } = await postScheduleRepo.schedule(
        db,
        id,
        chosen.map((t) => t.id),
        at,
        body.timeZone ?? creator?.timezone ?? 'UTC',
      );
      await deps.relay.dispatchSoon(outbox);
      await announce(id, post.creatorId);
      return (await present([(await postsRepo.findById(db, id))!]))[0]!;
    },

    /** Takes scheduled targets off the calendar: they are drafts again. */
    async unschedule(actor: Actor, id: string, accountIds?: string[]): Promise<PostView> {
      const post = await load(actor, id, 'post:write');
      const view = (await present([(await postsRepo.findById(db, id))!]))[0]!;
      const chosen = view.targets.filter((t) => !accountIds || accountIds.includes(t.accountId));
      const busy = chosen.filter((t) => t.state === 'publishing');
      if (busy.length)
        throw new AppError(
          409,
          'publishing',
          'This post is being published right now: it can no longer be held back',
        );
      await postScheduleRepo.unschedule(
        db,
        id,
        chosen.filter((t) => t.state === 'scheduled').map((t) => t.id),
      );
      await announce(id, post.creatorId);
      return (await present([(await postsRepo.findById(db, id))!]))[0]!;
    },

    /**
     * Cancels targets that have not gone out (all by default): they stay on record as
     * `cancelled` and are never published. A target being published cannot be held back
     * (`409 publishing`, nothing changes); published or unconfirmed ones are left as they are.
     */
    async cancel(actor: Actor, id: string, accountIds?: string[]): Promise<PostView> {
      const post = await load(actor, id, 'post:write');
      const targets = await targetsOf(id);
      const unknown = (accountIds ?? []).filter((a) => !targets.some((t) => t.accountId === a));
      if (unknown.length)
        throw new ValidationFailed(
          unknown.map((a) => ({ path: 'accountIds', message: `${a} is not a target of this post` })),
        );
      const chosen = targets.filter((t) => !accountIds || accountIds.includes(t.accountId));
      const outcome = await postScheduleRepo.cancel(
        db,
        id,
        chosen.map((t) => t.id),
      );
      if (outcome === 'publishing')
        throw new AppError(
          409,
          'publishing',
          'This post is being published right now: it can no longer be held back',
        );
      await announce(id, post.creatorId);
      return (await present([(await postsRepo.findById(db, id))!]))[0]!;
    },

    async remove(actor: Actor, id: string) {
      const post = await load(actor, id, 'post:write');
      const before = await targetsOf(id);
      const outcome = await postsRepo.delete(db, id);
      if (outcome === 'missing') throw new NotFound('Post');
      if (outcome !== 'deleted')
        throw new AppError(
          409,
          'published',
          `This post is live (or may be) on ${outcome.live.join(', ')}: remove it there; Velvet keeps its record`,
        );
      await announce(id, post.creatorId, before);
    },
  };
}

export type PostsService = ReturnType<typeof createPostsService>;
