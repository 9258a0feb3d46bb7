import { wallClock, zonedInstant, type PostView } from '@velvet/shared/contract';
import type { ApiFailure } from '$lib/api';

/*
 * The post editor's logic without the page: where the hub's refusals belong, hashtags as
 * typed, and times chosen in a zone. Kept apart so the calendar can reuse it and tests read it.
 */

export type TargetField = 'kind' | 'text' | 'hashtags' | 'media';

/** A refusal split by where it shows: per target and field, or on one of the post's fields. */
export interface Refusals {
  targets: Record<string, Partial<Record<TargetField, string[]>>>;
  fields: Record<string, string[]>;
}

/**
 * The 422's fields, placed: `targets.<accountId>.<field>` beside that target's field,
 * `hashtags.2` or `mediaIds.0` on the post's field (index kept in the message's key).
 */
export function placeRefusals(failure: ApiFailure): Refusals {
  const out: Refusals = { targets: {}, fields: {} };
  for (const { path, message } of failure.fields ?? []) {
    const target = /^targets\.([^.]+)\.(\w+)$/.exec(path);
    if (target) {
      const [, accountId, field] = target as unknown as [string, string, TargetField];
      ((out.targets[accountId] ??= {})[field] ??= []).push(message);
      continue;
    }
    const key = path.replace(/\.\d+$/, '') || 'post';
    (out.fields[key] ??= []).push(message);
  }
  return out;
}

/** Hashtags as the person typed them, split on spaces and commas; the hub says which are wrong. */
export function parseHashtags(input: string): string[] {
  return input
    .split(/[\s,]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

export const hashtagsText = (tags: readonly string[]) => tags.map((tag) => `#${tag}`).join(' ');

/** The instant the clocks of `timeZone` show `date` (YYYY-MM-DD) at `time` (HH:MM). */
export function zonedIso(date: string, time: string, timeZone: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  return zonedInstant(date, minutes, timeZone).toISOString();
}

/** An instant as the date and time fields of `timeZone` show it. */
export function zonedFields(iso: string, timeZone: string): { date: string; time: string } {
  const w = wallClock(new Date(iso), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/** Whether the zone is one the browser (and so the hub) knows. */
export function knownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A target that may no longer be edited under the person: it is going out or gone. */
export const lockedStates: readonly PostView['targets'][number]['state'][] = [
  'publishing',
  'published',
  'unconfirmed',
];

/** The post's scheduled time, when every scheduled target shares one (the editor shows it). */
export function scheduledAt(post: PostView): { at: string; timeZone: string } | undefined {
  const scheduled = post.targets.find((t) => t.scheduledAt && t.state === 'scheduled');
  return scheduled?.scheduledAt
    ? { at: scheduled.scheduledAt, timeZone: scheduled.timeZone ?? 'UTC' }
    : undefined;
}
