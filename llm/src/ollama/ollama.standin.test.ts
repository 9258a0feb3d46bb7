import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_STANDIN_REPLY,
  STANDIN_VERSION,
  startOllamaStandin,
  tokenize,
  type OllamaStandin,
} from './ollama.standin';

// Go's RFC3339Nano: up to nine fractional digits, trailing zeros trimmed.
const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const STATS = [
  'total_duration',
  'load_duration',
  'prompt_eval_count',
  'prompt_eval_duration',
  'eval_count',
  'eval_duration',
];

let standin: OllamaStandin;

beforeEach(async () => {
  standin = await startOllamaStandin({ tokensPerSecond: 1000 });
});
afterEach(async () => {
  await standin.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${standin.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'llama2:7b',
  messages: [{ role: 'user', content: 'Salut toi' }],
  ...extra,
});

async function ndjson(response: Response): Promise<any[]> {
  const text = await response.text();
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('tokenize', () => {
  it('splits into word-ish tokens that keep their leading space', () => {
    expect(tokenize('Coucou toi !')).toEqual(['Coucou', ' toi', ' !']);
  });

  it.each([DEFAULT_STANDIN_REPLY, "  l'été,\n  c'est 😍👍🏽 top !! ", '', '   ', 'a\tb\r\nc'])(
    'loses nothing: %j',
    (text) => {
      expect(tokenize(text).join('')).toBe(text);
    },
  );
});

describe('POST /api/chat', () => {
  it('streams NDJSON: one line per token, then the final stats', async () => {
    const response = await post('/api/chat', chatBody());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');

    const lines = await ndjson(response);
    const tokens = lines.slice(0, -1);
    const final = lines.at(-1);
    for (const line of tokens) {
      expect(line).toEqual({
        model: 'llama2:7b',
        created_at: expect.stringMatching(RFC3339_NANO),
        message: { role: 'assistant', content: expect.any(String) },
        done: false,
      });
    }
    expect(tokens.map((line) => line.message.content).join('')).toBe(DEFAULT_STANDIN_REPLY);
    expect(final).toMatchObject({
      model: 'llama2:7b',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      eval_count: tokens.length,
      prompt_eval_count: 2,
    });
    expect(final.created_at).toMatch(RFC3339_NANO);
    for (const key of STATS) expect(Number.isInteger(final[key]) && final[key] > 0, key).toBe(true);
  });

  it('answers stream:false with one JSON object holding the whole message', async () => {
    const response = await post('/api/chat', chatBody({ stream: false }));
    expect(response.headers.get('content-type')).toContain('application/json');
    const body: any = await response.json();
    expect(body).toMatchObject({
      model: 'llama2:7b',
      message: { role: 'assistant', content: DEFAULT_STANDIN_REPLY },
      done: true,
      done_reason: 'stop',
      eval_count: tokenize(DEFAULT_STANDIN_REPLY).length,
    });
    for (const key of STATS) expect(Number.isInteger(body[key]), key).toBe(true);
  });

  it('stops at options.num_predict with done_reason "length"', async () => {
    const lines = await ndjson(await post('/api/chat', chatBody({ options: { num_predict: 4 } })));
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatchObject({ done_reason: 'length', eval_count: 4 });
  });

  it('answers an unknown model with 404 and Ollama’s error body', async () => {
    const response = await post('/api/chat', chatBody({ model: 'ghost:13b' }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'model "ghost:13b" not found, try pulling it first' });
  });

  it('accepts a model name without tag as :latest', async () => {
    const latest = await startOllamaStandin({ models: ['phi3:latest'], tokensPerSecond: 1000 });
    try {
      const response = await fetch(`${latest.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify(chatBody({ model: 'phi3', stream: false })),
      });
      expect(response.status).toBe(200);
    } finally {
      await latest.close();
    }
  });

  it('loads the model when there are no messages', async () => {
    const body: any = await (await post('/api/chat', { model: 'mistral:7b', stream: false })).json();
    expect(body).toMatchObject({ done: true, done_reason: 'load', message: { content: '' } });
  });

  it('rejects a body that is not JSON', async () => {
    const response = await post('/api/chat', '{nope');
    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty('error');
  });

  it('uses the reply function and records requests and sent chunks', async () => {
    const custom = await startOllamaStandin({
      tokensPerSecond: 1000,
      reply: (request) => `Bien reçu : ${request.messages?.at(-1)?.content}`,
    });
    try {
      const lines = await ndjson(
        await fetch(`${custom.url}/api/chat`, {
          method: 'POST',
          body: JSON.stringify(chatBody({ keep_alive: '10m' })),
        }),
      );
      const text = lines.map((line) => line.message.content).join('');
      expect(text).toBe('Bien reçu : Salut toi');
      expect(custom.requests).toEqual([
        { method: 'POST', path: '/api/chat', body: chatBody({ keep_alive: '10m' }), at: expect.any(Number) },
      ]);
      const sent = custom.chunksSent[0]!;
      expect(sent.map((chunk) => chunk.content).join('')).toBe(text);
      expect(sent.every((chunk, i) => i === 0 || chunk.at >= sent[i - 1]!.at)).toBe(true);
    } finally {
      await custom.close();
    }
  });
});

describe('faults', () => {
  it('fails the next requests with an HTTP error, then recovers', async () => {
    standin.failNext({ status: 503, error: 'server busy' }, 2);
    for (let i = 0; i < 2; i += 1) {
      const response = await post('/api/chat', chatBody());
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'server busy' });
    }
    expect((await post('/api/chat', chatBody())).status).toBe(200);
  });

  it('cuts the socket after N tokens', async () => {
    standin.failNext({ closeAfterTokens: 2 });
    const response = await post('/api/chat', chatBody());
    await expect(response.text()).rejects.toThrow();
    expect(standin.chunksSent[0]).toHaveLength(2);
    expect(standin.aborted).toBe(0);
  });

  it('stalls after N tokens until the client gives up', async () => {
    standin.failNext({ stallAfterTokens: 1 });
    const controller = new AbortController();
    const response = await fetch(`${standin.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify(chatBody()),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => standin.aborted).toBe(1);
    expect(standin.chunksSent[0]).toHaveLength(1);
  });

  it('resets connections while down', async () => {
    standin.down();
    await expect(fetch(`${standin.url}/api/version`)).rejects.toThrow();
    standin.up();
    expect((await fetch(`${standin.url}/api/version`)).status).toBe(200);
  });

  it('rejects a non-positive token rate', () => {
    expect(() => standin.setTokensPerSecond(0)).toThrow(RangeError);
  });
});

describe('GET /api/tags, GET /api/version, POST /api/embed', () => {
  it('lists the configured models', async () => {
    const body: any = await (await fetch(`${standin.url}/api/tags`)).json();
    expect(body.models.map((model: any) => model.name)).toEqual(['llama2:7b', 'mistral:7b']);
    expect(body.models[0]).toEqual({
      name: 'llama2:7b',
      model: 'llama2:7b',
      modified_at: expect.stringMatching(RFC3339_NANO),
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama2',
        families: ['llama2'],
        parameter_size: '7B',
        quantization_level: 'Q4_0',
      },
    });
  });

  it('reports its version', async () => {
    expect(await (await fetch(`${standin.url}/api/version`)).json()).toEqual({ version: STANDIN_VERSION });
  });

  it('embeds a string or a list into deterministic unit vectors', async () => {
    const one: any = await (await post('/api/embed', { model: 'llama2:7b', input: 'bonjour' })).json();
    const many: any = await (
      await post('/api/embed', { model: 'llama2:7b', input: ['bonjour', 'bonsoir'] })
    ).json();

    expect(one).toEqual({
      model: 'llama2:7b',
      embeddings: [expect.any(Array)],
      total_duration: expect.any(Number),
      load_duration: expect.any(Number),
      prompt_eval_count: 1,
    });
    expect(one.embeddings[0]).toHaveLength(256);
    expect(Math.hypot(...one.embeddings[0])).toBeCloseTo(1);
    expect(many.embeddings).toHaveLength(2);
    expect(many.embeddings[0]).toEqual(one.embeddings[0]);
    expect(many.embeddings[1]).not.toEqual(one.embeddings[0]);
  });

  it('puts texts that share words closer than unrelated ones', async () => {
    const body: any = await (
      await post('/api/embed', {
        model: 'llama2:7b',
        input: [
          'mon chien Biscuit adore la plage',
          'tu te souviens de mon chien ?',
          'quel est le prix du pack',
        ],
      })
    ).json();
    const [dog, question, price] = body.embeddings as number[][];
    const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    expect(cosine(dog!, question!)).toBeGreaterThan(cosine(dog!, price!) + 0.1);
  });

  it('answers an embed for an unknown model with 404', async () => {
    expect((await post('/api/embed', { model: 'ghost:13b', input: 'x' })).status).toBe(404);
  });
});
