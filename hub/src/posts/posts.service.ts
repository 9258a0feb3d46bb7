import {
  accountsRepo,
  AppError,
  Conflict,
  creatorsRepo,
  NotFound,
  postsRepo,
  type Actor,
  type CreatePostBody,
  type MediaAssetRecord,
  type PatchPostBody,
  type PostContent,
  type PostRecord,
  type PostTargetState,
  type PostView,
  type PublishPlatform,
} from '@velvet/shared';
import { POST_RULES } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';

/** The post as one platform receives it: its variant's text and hashtags, the media in order. */
function contentFor(post: PostRecord, platform: string, media: Map<string, MediaAssetRecord>): PostContent {
  const variant = post.variants[platform] ?? {};
  return {
    kind: post.kind as PostContent['kind'],
    text: variant.text ?? post.text,
    hashtags: variant.hashtags ?? post.hashtags,
    media: post.mediaIds.flatMap((id) => {
      const asset = media.get(id);
      if (!asset) return [];
      return [
        {
          kind: asset.kind,
          mime: asset.mime,
          bytes: asset.bytes,
          width: asset.width,
          height: asset.height,
          ...(asset.durationMs !== null ? { durationSeconds: asset.durationMs / 1000 } : {}),
          ...(asset.alt ? { alt: asset.alt } : {}),
        },
      ];
    }),
  };
}

/**
 * Posts and their targets. Each target is checked against its platform's rules whenever the
 * post is read, so the reasons a post cannot go somewhere are always current; a post being
 * published is never edited underneath, and an edit made on an older version is refused.
 */
export function createPostsService(ctx: HubContext) {
  const { db } = ctx;

  async function present(rows: PostRecord[]): Promise<PostView[]> {
    const targets = await postsRepo.targets(
      db,
      rows.map((p) => p.id),
    );
    const views: PostView[] = [];
    for (const post of rows) {
      const media = new Map((await postsRepo.media(db, post.creatorId, post.mediaIds)).map((m) => [m.id, m]));
      const missing = post.mediaIds.filter((id) => !media.has(id));
      const mine = targets.filter((t) => t.target.postId === post.id);
      const presented = mine.map(({ target, accountLabel }) => {
        const rules = POST_RULES.get(target.platform as PublishPlatform);
        const problems = rules
          ? rules(contentFor(post, target.platform, media))
          : [{ field: 'kind' as const, message: `Velvet cannot publish to ${target.platform}` }];
        if (missing.length)
          problems.unshift({
            field: 'media',
            message: `${missing.length} media item(s) were deleted from the library`,
          });
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
    async list(actor: Actor, creatorId: string, query: { state?: PostTargetState; limit: number }) {
      authorize(actor, 'post:read', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
      return { posts: await present(await postsRepo.listByCreator(db, creatorId, query)) };
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
      return (await present([post]))[0]!;
    },

    async get(actor: Actor, id: string): Promise<PostView> {
      return (await present([await load(actor, id, 'post:read')]))[0]!;
    },

    async update(actor: Actor, id: string, body: PatchPostBody): Promise<PostView> {
      const post = await load(actor, id, 'post:write');
      const targets = await resolve(post.creatorId, body);
      const { version, accountIds, ...change } = body;
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
      return (await present([(await postsRepo.findById(db, id))!]))[0]!;
    },

    async remove(actor: Actor, id: string) {
      await load(actor, id, 'post:write');
      const outcome = await postsRepo.delete(db, id);
      if (outcome === 'missing') throw new NotFound('Post');
      if (outcome !== 'deleted')
        throw new AppError(
          409,
          'published',
          `This post is live (or may be) on ${outcome.live.join(', ')}: remove it there; Velvet keeps its record`,
        );
    },
  };
}

export type PostsService = ReturnType<typeof createPostsService>;
