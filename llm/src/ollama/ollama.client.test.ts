import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseVelvetConfig } from '@velvet/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceTokens } from './coalesce';
import { createOllamaClient } from './ollama.client';
import { OllamaError, type OllamaErrorCode } from './ollama.errors';
import { DEFAULT_STANDIN_REPLY, startOllamaStandin, tokenize, type OllamaStandin } from './ollama.standin';
import type { ChatEvent, ChatRequest, DoneEvent, ModelConfig, OllamaTimeouts } from './ollama.types';

const CONFIG = parseVelvetConfig(
  readFileSync(new URL('../../../config/velvet.yaml', import.meta.url), 'utf8'),
);
const PRIMARY: ModelConfig = CONFIG.ollama.models.primary;
const MESSAGES: ChatRequest['messages'] = [
  { role: 'system', content: 'Tu es Lola.' },
  { role: 'user', content: 'Salut, ça va ?' },
];

let standin: OllamaStandin;

beforeEach(async () => {
  standin = await startOllamaStandin({ tokensPerSecond: 400 });
});
afterEach(async () => {
  await standin.close();
});

function client(timeouts: Partial<OllamaTimeouts> = {}, host = standin.url) {
  return createOllamaClient({
    host,
    timeouts: { firstTokenMs: 10_000, idleMs: 10_000, totalMs: 20_000, ...timeouts },
  });
}

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: PRIMARY, messages: MESSAGES, keepAlive: CONFIG.ollama.keep_alive, ...overrides };
}

async function collect(events: AsyncIterable<ChatEvent>, seen: ChatEvent[] = []): Promise<ChatEvent[]> {
  for await (const event of events) seen.push(event);
  return seen;
}

/** Runs the stream to its end and returns the OllamaError it threw, with the events before it. */
async function failure(events: AsyncIterable<ChatEvent>): Promise<{ error: OllamaError; seen: ChatEvent[] }> {
  const seen: ChatEvent[] = [];
  try {
    await collect(events, seen);
  } catch (error) {
    expect(error).toBeInstanceOf(OllamaError);
    return { error: error as OllamaError, seen };
  }
  throw new Error('the stream did not fail');
}

async function expectCode(events: AsyncIterable<ChatEvent>, code: OllamaErrorCode) {
  const result = await failure(events);
  expect(result.error.code).toBe(code);
  return result;
}

const tokensOf = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'token' ? [event.text] : []));
const doneOf = (events: ChatEvent[]) => events.at(-1) as DoneEvent;

describe('streamChat against the stand-in', () => {
  it('streams tokens that add up to the final text and the stand-in reply', async () => {
    const events = await collect(client().streamChat(chat()));
    const done = doneOf(events);

    expect(done.type).toBe('done');
    expect(tokensOf(events)).toEqual(tokenize(DEFAULT_STANDIN_REPLY));
    expect(tokensOf(events).join('')).toBe(done.text);
    expect(done.text).toBe(DEFAULT_STANDIN_REPLY);
    expect(standin.chunksSent[0]?.map((chunk) => chunk.content)).toEqual(tokensOf(events));
  });

  it('reports eval count, eval duration, tokens per second and time to first token', async () => {
    const done = doneOf(await collect(client().streamChat(chat())));

    expect(done.evalCount).toBe(tokenize(DEFAULT_STANDIN_REPLY).length);
    expect(Number.isInteger(done.evalDurationNs) && done.evalDurationNs > 0).toBe(true);
    expect(done.tokensPerSecond).toBeCloseTo(done.evalCount / (done.evalDurationNs / 1e9));
    expect(done.doneReason).toBe('stop');
    expect(done.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('maps the velvet.yaml model to Ollama options and keep_alive', async () => {
    const sales = CONFIG.ollama.models.sales;
    await collect(client().streamChat(chat({ model: sales })));

    const [request] = standin.requests;
    expect(request?.path).toBe('/api/chat');
    expect(request?.body).toMatchObject({
      model: 'mistral:7b',
      messages: MESSAGES,
      stream: true,
      keep_alive: '10m',
      options: { temperature: 0.8, top_p: 0.95, num_predict: 300 },
    });
  });

  it('stops at max_tokens with doneReason "length"', async () => {
    const events = await collect(client().streamChat(chat({ model: { ...PRIMARY, max_tokens: 3 } })));
    const done = doneOf(events);

    expect(done.doneReason).toBe('length');
    expect(done.evalCount).toBe(3);
    expect(done.text).toBe(tokenize(DEFAULT_STANDIN_REPLY).slice(0, 3).join(''));
  });

  it('throws "empty" when the model says nothing', async () => {
    const quiet = await startOllamaStandin({ reply: () => '  ' });
    try {
      await expectCode(client({}, quiet.url).streamChat(chat()), 'empty');
    } finally {
      await quiet.close();
    }
  });
});

describe('aborts', () => {
  it('stops the stream when the caller aborts and throws "aborted"', async () => {
    standin.setTokensPerSecond(20);
    const controller = new AbortController();
    const seen: ChatEvent[] = [];
    let thrown: unknown;
    try {
      for await (const event of client().streamChat(chat({ signal: controller.signal }))) {
        seen.push(event);
        if (seen.length === 2) controller.abort();
      }
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toMatchObject({ name: 'OllamaError', code: 'aborted' });
    expect(seen).toHaveLength(2);
    await vi.waitFor(() => expect(standin.aborted).toBe(1));
    expect(standin.chunksSent[0]!.length).toBeLessThan(tokenize(DEFAULT_STANDIN_REPLY).length);
  });

  it('aborts a request still waiting for a loading model', async () => {
    standin.failNext({ loadingMs: 20_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);

    await expectCode(client().streamChat(chat({ signal: controller.signal })), 'aborted');
    await vi.waitFor(() => expect(standin.aborted).toBe(1));
  });

  it('does not call Ollama when the signal is already aborted', async () => {
    await expectCode(client().streamChat(chat({ signal: AbortSignal.abort() })), 'aborted');
    expect(standin.requests).toHaveLength(0);
  });

  it('releases the HTTP stream when the consumer stops early', async () => {
    standin.setTokensPerSecond(20);
    for await (const event of client().streamChat(chat())) {
      if (event.type === 'token') break;
    }
    await vi.waitFor(() => expect(standin.aborted).toBe(1));
  });
});

describe('timeouts', () => {
  it('throws "stalled" when tokens stop coming for idleMs', async () => {
    standin.failNext({ stallAfterTokens: 2 });
    const started = performance.now();

    const { seen } = await expectCode(client({ idleMs: 300 }).streamChat(chat()), 'stalled');
    expect(seen).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(10_000);
    await vi.waitFor(() => expect(standin.aborted).toBe(1));
  });

  it('waits for a model that is loading within firstTokenMs', async () => {
    standin.failNext({ loadingMs: 800 });
    const events = await collect(client({ firstTokenMs: 10_000, idleMs: 300 }).streamChat(chat()));
    expect(doneOf(events).text).toBe(DEFAULT_STANDIN_REPLY);
  });

  it('waits for a slow prompt evaluation within firstTokenMs', async () => {
    const slow = await startOllamaStandin({ firstTokenDelayMs: 800, tokensPerSecond: 400 });
    try {
      const events = await collect(
        client({ firstTokenMs: 10_000, idleMs: 300 }, slow.url).streamChat(chat()),
      );
      expect(doneOf(events).text).toBe(DEFAULT_STANDIN_REPLY);
    } finally {
      await slow.close();
    }
  });

  it('throws "timeout_first_token" when loading outlasts firstTokenMs', async () => {
    standin.failNext({ loadingMs: 20_000 });
    await expectCode(client({ firstTokenMs: 300 }).streamChat(chat()), 'timeout_first_token');
    await vi.waitFor(() => expect(standin.aborted).toBe(1));
  });

  it('throws "timeout_total" when the whole reply outlasts totalMs', async () => {
    standin.setTokensPerSecond(10);
    const { seen } = await expectCode(client({ totalMs: 500 }).streamChat(chat()), 'timeout_total');
    expect(seen.length).toBeGreaterThan(0);
  });

  it('does not count a slow consumer as a stall', async () => {
    const events: ChatEvent[] = [];
    for await (const event of client({ idleMs: 300 }).streamChat(chat())) {
      events.push(event);
      if (events.length <= 2) await sleep(800);
    }
    expect(doneOf(events).text).toBe(DEFAULT_STANDIN_REPLY);
  });
});

describe('failures', () => {
  it('throws "unreachable" when the connection is reset', async () => {
    standin.down();
    await expectCode(client().streamChat(chat()), 'unreachable');

    standin.up();
    expect(doneOf(await collect(client().streamChat(chat()))).text).toBe(DEFAULT_STANDIN_REPLY);
  });

  it('throws "unreachable" when nothing listens on the port', async () => {
    const gone = await startOllamaStandin();
    await gone.close();
    await expectCode(client({}, gone.url).streamChat(chat()), 'unreachable');
  });

  it('throws "unreachable" when Ollama dies mid-stream', async () => {
    standin.failNext({ closeAfterTokens: 3 });
    const { seen } = await expectCode(client().streamChat(chat()), 'unreachable');
    // What arrived before the socket went is still handed over, in order.
    expect(tokensOf(seen)).toEqual(tokenize(DEFAULT_STANDIN_REPLY).slice(0, 3));
    expect(standin.chunksSent[0]).toHaveLength(3);
  });

  it('throws "server_error" with Ollama\'s words when it reports an error mid-stream', async () => {
    standin.failNext({ errorAfterTokens: 2, error: 'llama runner process has terminated: signal: killed' });
    const { error, seen } = await expectCode(client().streamChat(chat()), 'server_error');
    expect(error.message).toContain('llama runner process has terminated');
    expect(tokensOf(seen)).toEqual(tokenize(DEFAULT_STANDIN_REPLY).slice(0, 2));
  });

  it('throws "model_missing" for a model Ollama does not have', async () => {
    const { error } = await expectCode(
      client().streamChat(chat({ model: { ...PRIMARY, name: 'ghost:13b' } })),
      'model_missing',
    );
    expect(error.status).toBe(404);
    expect(error.message).toContain('ghost:13b');
  });

  it('throws an OllamaError carrying the status on a server error', async () => {
    standin.failNext({ status: 500, error: 'llama runner process has terminated' });
    const { error } = await expectCode(client().streamChat(chat()), 'server_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('llama runner process has terminated');
  });
});

describe('version and hasModel', () => {
  it('reads the version and the installed models', async () => {
    const ollama = client();
    expect(await ollama.version()).toMatch(/^0\.6\.\d+$/);
    expect(await ollama.hasModel('llama2:7b')).toBe(true);
    expect(await ollama.hasModel('mistral:7b')).toBe(true);
    expect(await ollama.hasModel('ghost:13b')).toBe(false);
  });

  it('throws "unreachable" when Ollama is down', async () => {
    standin.down();
    await expect(client().version()).rejects.toMatchObject({ name: 'OllamaError', code: 'unreachable' });
  });
});

it('coalesces the streamed tokens without losing any', async () => {
  standin.setTokensPerSecond(1000);
  async function* texts() {
    for await (const event of client().streamChat(chat())) if (event.type === 'token') yield event.text;
  }
  const chunks: string[] = [];
  for await (const chunk of coalesceTokens(texts(), 25)) chunks.push(chunk);
  expect(chunks.join('')).toBe(DEFAULT_STANDIN_REPLY);
});
