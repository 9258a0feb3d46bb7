import { page } from '$app/state';
import { publishingApi, type CreatorView } from './publishing-api';
import type { ApiFailure } from '$lib/api';

/** The creators the person may see, and the one the address names (else the first). */
export async function loadCreators(): Promise<
  { ok: true; creators: CreatorView[]; chosen: string } | ApiFailure
> {
  const listed = await publishingApi.creators();
  if (!listed.ok) return listed;
  const creators = listed.data.creators.filter((c) => !c.archivedAt);
  const wanted = page.url.searchParams.get('creator');
  return { ok: true, creators, chosen: creators.find((c) => c.id === wanted)?.id ?? creators[0]?.id ?? '' };
}

/** What to tell the person when a call failed: the hub's own words when it gave some. */
export function failureWords(
  failure: ApiFailure,
  t: { networkError: string; forbidden: string; unexpected: string },
): string {
  if (failure.status === 0) return t.networkError;
  if (failure.status === 403) return failure.message || t.forbidden;
  return failure.message || t.unexpected;
}
