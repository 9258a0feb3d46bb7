/**
 * Batches tokens so the relay emits one socket message per window instead of one per token:
 * the first token goes out at once (it sets perceived latency), later ones at most every
 * `windowMs`, and whatever is buffered is flushed at the end, before a source error too.
 */
export async function* coalesceTokens(source: AsyncIterable<string>, windowMs = 25): AsyncGenerator<string> {
  const iterator = source[Symbol.asyncIterator]();
  let buffer = '';
  let lastYield = -Infinity;
  let pending: Promise<IteratorResult<string>> | undefined;
  let exhausted = false;
  try {
    for (;;) {
      const due = lastYield + windowMs - performance.now();
      if (buffer && due <= 0) {
        yield buffer;
        buffer = '';
        lastYield = performance.now();
        continue;
      }
      if (!pending) {
        pending = iterator.next();
        // Handled below; this only keeps a rejection that lands during a yield from being "unhandled".
        pending.catch(() => undefined);
      }
      const result = buffer ? await raceTimer(pending, due) : await pending;
      if (result === undefined) continue;
      pending = undefined;
      if (result.done) {
        exhausted = true;
        break;
      }
      buffer += result.value;
    }
  } catch (error) {
    exhausted = true;
    if (buffer) yield buffer;
    throw error;
  } finally {
    // Stopped early by our consumer: tell the source without waiting for its pending next().
    if (!exhausted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  if (buffer) yield buffer;
}

/** The promise's value, or undefined once `ms` has elapsed first. */
async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
