import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { coalesceTokens } from './coalesce';

async function* paced(tokens: string[], intervalMs: number): AsyncGenerator<string> {
  for (const token of tokens) {
    await sleep(intervalMs);
    yield token;
  }
}

async function drain(source: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks;
}

/** A source the test feeds by hand, to check ordering without relying on timing. */
function channel() {
  const queue: IteratorResult<string>[] = [];
  let wake: (() => void) | undefined;
  const push = (result: IteratorResult<string>) => {
    queue.push(result);
    wake?.();
  };
  async function* source(): AsyncGenerator<string> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift()!;
      if (next.done) return;
      yield next.value;
    }
  }
  return {
    source: source(),
    send: (value: string) => push({ value, done: false }),
    end: () => push({ value: undefined, done: true }),
  };
}

const TOKENS = Array.from({ length: 200 }, (_, i) => (i === 0 ? 'mot0' : ` mot${i}`));

describe('coalesceTokens', () => {
  it('batches tokens arriving every millisecond into far fewer chunks, losing nothing', async () => {
    const chunks = await drain(coalesceTokens(paced(TOKENS, 1), 25));

    expect(chunks.join('')).toBe(TOKENS.join(''));
    expect(chunks.length).toBeLessThan(TOKENS.length / 4);
  });

  it('yields the first token on its own, then flushes the rest at the end', async () => {
    const { source, send, end } = channel();
    const chunks: string[] = [];
    const consumer = coalesceTokens(source, 10_000)[Symbol.asyncIterator]();

    send('Coucou');
    chunks.push((await consumer.next()).value as string);
    send(' toi');
    send(' !');
    end();
    for (let next = await consumer.next(); !next.done; next = await consumer.next()) chunks.push(next.value);

    expect(chunks).toEqual(['Coucou', ' toi !']);
  });

  it('passes an empty source through', async () => {
    expect(await drain(coalesceTokens(paced([], 1)))).toEqual([]);
  });

  it('flushes what it holds before rethrowing a source error', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'a';
      yield 'b';
      yield 'c';
      throw new Error('stalled');
    }
    const chunks: string[] = [];
    await expect(async () => {
      for await (const chunk of coalesceTokens(failing(), 10_000)) chunks.push(chunk);
    }).rejects.toThrow('stalled');
    expect(chunks.join('')).toBe('abc');
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i += 1) {
          await sleep(1);
          yield `t${i}`;
        }
      } finally {
        closed = true;
      }
    }
    for await (const chunk of coalesceTokens(endless(), 5)) {
      if (chunk) break;
    }
    await expect.poll(() => closed).toBe(true);
  });
});
