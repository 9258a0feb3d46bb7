/*
 * What a failed `fetch` to a platform says, shared by the connectors and publishers that call
 * platforms over HTTP: whether the request surely never left, and a short reason for people.
 */

/** The connection failed before anything was sent: a retry cannot make a duplicate. */
export function neverSent(err: unknown): boolean {
  const code = err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
}

/** "timed out", the network error's code, or the error's message. */
export function describeFetchError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
