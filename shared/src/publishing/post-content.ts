import type { MediaAssetRecord } from '../db/repositories/media.repo';
import type { PostRecord } from '../db/repositories/posts.repo';
import type { PostContent, PostProblem, PostRules } from './post';

/** The post as the target's platform receives it: its variant, the library media in order. */
export function postContentFor(
  post: PostRecord,
  platform: string,
  media: readonly MediaAssetRecord[],
): { content: PostContent; missing: number } {
  const byId = new Map(media.map((m) => [m.id, m]));
  const variant = post.variants[platform] ?? {};
  const found = post.mediaIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  return {
    missing: post.mediaIds.length - found.length,
    content: {
      kind: post.kind as PostContent['kind'],
      text: variant.text ?? post.text,
      hashtags: variant.hashtags ?? post.hashtags,
      media: found.map((asset) => ({
        kind: asset.kind,
        mime: asset.mime,
        bytes: asset.bytes,
        width: asset.width,
        height: asset.height,
        ...(asset.durationMs !== null ? { durationSeconds: asset.durationMs / 1000 } : {}),
        ...(asset.alt ? { alt: asset.alt } : {}),
      })),
    },
  };
}

/**
 * Everything that stops a post from going to one platform: media deleted from the library,
 * then what the platform's rules refuse (none: Velvet does not publish there).
 */
export function postProblems(
  post: PostRecord,
  platform: string,
  media: readonly MediaAssetRecord[],
  rules: PostRules | undefined,
): { content: PostContent; problems: PostProblem[] } {
  const { content, missing } = postContentFor(post, platform, media);
  const problems: PostProblem[] = [];
  if (missing)
    problems.push({ field: 'media', message: `${missing} media item(s) were deleted from the library` });
  problems.push(
    ...(rules
      ? rules(content)
      : [{ field: 'kind' as const, message: `Velvet cannot publish to ${platform}` }]),
  );
  return { content, problems };
}
