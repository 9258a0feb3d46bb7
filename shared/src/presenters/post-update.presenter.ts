import type { PostUpdatePayload } from '../events';
import type { PostTargetState } from '../schemas/posts.schema';

/** The target fields `post:update` carries (a `post_targets` row, or the part of it a view has). */
export interface PostTargetChange {
  id: string;
  postId: string;
  accountId: string;
  platform: string;
  state: string;
  scheduledAt: Date | null;
  remoteUrl: string | null;
  lastError: string | null;
}

export function presentPostUpdate(
  target: PostTargetChange,
  creatorId: string,
  deleted = false,
): PostUpdatePayload {
  return {
    postId: target.postId,
    creatorId,
    targetId: target.id,
    accountId: target.accountId,
    platform: target.platform,
    status: target.state as PostTargetState,
    scheduledAt: target.scheduledAt?.toISOString() ?? null,
    url: target.remoteUrl,
    error: target.lastError,
    ...(deleted ? { deleted: true as const } : {}),
  };
}
