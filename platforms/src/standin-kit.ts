import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';

/*
 * What every local stand-in for a platform's servers does the same way: read a request's
 * bytes, hold a fault's delay, and close with the connections still open.
 */

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops listening and drops kept-alive connections, so a test's `close()` never hangs. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The authorization-code grant of an OAuth 2.0 token endpoint with PKCE (S256), as the
 * platforms' stand-ins serve it: the code is spent on first use, and given back only when
 * the verifier hashes to its challenge and the redirect address is the one it was issued for.
 */
export function redeemPkceCode<T extends { challenge: string; redirectUri: string }>(
  codes: Map<string, T>,
  form: URLSearchParams,
): T | undefined {
  const key = form.get('code') ?? '';
  const code = codes.get(key);
  codes.delete(key);
  const challenge = createHash('sha256')
    .update(form.get('code_verifier') ?? '')
    .digest('base64url');
  return code && code.challenge === challenge && code.redirectUri === form.get('redirect_uri')
    ? code
    : undefined;
}

/**
 * A post's counters as a stand-in serves them: they start at `base` when the post is made and
 * grow along a saturating curve (most of the growth in the first day), with a per-post factor
 * from `seed`, so successive reads show realistic, changing numbers.
 */
export function growingCounts<K extends string>(
  seed: string,
  ageMs: number,
  base: Record<K, number>,
): Record<K, number> {
  const factor = 0.5 + createHash('sha256').update(seed).digest()[0]! / 255;
  const grown = 1 - Math.exp(-Math.max(0, ageMs) / (8 * 3600_000));
  const out = {} as Record<K, number>;
  for (const [key, value] of Object.entries(base) as [K, number][])
    out[key] = Math.round(value * (1 + 20 * factor * grown));
  return out;
}
