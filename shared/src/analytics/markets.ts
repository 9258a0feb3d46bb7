import { DEFAULT_MARKET_PROFILES, type MarketProfile } from '../publishing/planner';
import type { FollowerSnapshot } from './types';

/**
 * Target markets from follower geography. Shares are taken from each account's latest
 * snapshot, summed over the creator's platforms (followers, not accounts, count):
 *   primary   — the largest country, if it holds at least `PRIMARY_MIN_SHARE` (30%);
 *   secondary — every other country with at least `SECONDARY_MIN_SHARE` (15%), at most two.
 * With no country at 30%, no primary is claimed: the audience is spread, every country at
 * 15% or more is suggested as secondary. Each suggestion lists the planner's market profiles
 * for that market (`MarketProfile.market`), empty when the planner has none yet.
 */
export const PRIMARY_MIN_SHARE = 0.3;
export const SECONDARY_MIN_SHARE = 0.15;
export const MAX_SECONDARY_MARKETS = 2;

export interface SuggestedMarket {
  market: string;
  role: 'primary' | 'secondary';
  share: number;
  followers: number;
  /** Ids of the planner profiles for this market (e.g. `US-East`, `US-West`). */
  profiles: string[];
}

export interface MarketDetection {
  totalFollowers: number;
  /** Every country, largest share first. */
  shares: { country: string; share: number; followers: number }[];
  suggested: SuggestedMarket[];
  /** Suggested markets the planner has no profile for. */
  unmapped: string[];
}

export function detectMarkets(
  snapshots: readonly FollowerSnapshot[],
  profiles: readonly MarketProfile[] = DEFAULT_MARKET_PROFILES,
): MarketDetection {
  const latest = new Map<string, FollowerSnapshot>();
  for (const s of snapshots) {
    const key = `${s.creatorId}\u0000${s.platform}`;
    const seen = latest.get(key);
    if (!seen || seen.day < s.day) latest.set(key, s);
  }
  const byCountry = new Map<string, number>();
  for (const s of latest.values()) {
    for (const [country, n] of Object.entries(s.countries)) {
      byCountry.set(country.toUpperCase(), (byCountry.get(country.toUpperCase()) ?? 0) + n);
    }
  }
  const total = [...byCountry.values()].reduce((a, b) => a + b, 0);
  const shares = [...byCountry]
    .map(([country, followers]) => ({ country, followers, share: total > 0 ? followers / total : 0 }))
    .sort((a, b) => b.share - a.share);
  const suggested: SuggestedMarket[] = [];
  const profilesOf = (market: string) => profiles.filter((p) => p.market === market).map((p) => p.id);
  const top = shares[0];
  if (top && top.share >= PRIMARY_MIN_SHARE) {
    suggested.push({
      market: top.country,
      role: 'primary',
      share: top.share,
      followers: top.followers,
      profiles: profilesOf(top.country),
    });
  }
  const secondary = shares.filter(
    (s) => s.share >= SECONDARY_MIN_SHARE && !suggested.some((m) => m.market === s.country),
  );
  for (const s of suggested.length ? secondary.slice(0, MAX_SECONDARY_MARKETS) : secondary) {
    suggested.push({
      market: s.country,
      role: 'secondary',
      share: s.share,
      followers: s.followers,
      profiles: profilesOf(s.country),
    });
  }
  return {
    totalFollowers: total,
    shares,
    suggested,
    unmapped: suggested.filter((m) => m.profiles.length === 0).map((m) => m.market),
  };
}
