import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseVelvetConfig } from './velvet-config';

const shipped = readFileSync(new URL('../../../config/velvet.yaml', import.meta.url), 'utf8');

describe('config/velvet.yaml', () => {
  it('ships the seed models, prompt and platform limits', () => {
    const config = parseVelvetConfig(shipped);
    expect(config.ollama.models.primary).toEqual({
      name: 'llama2:7b',
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 500,
    });
    expect(config.ollama.models.sales).toEqual({
      name: 'mistral:7b',
      temperature: 0.8,
      top_p: 0.95,
      max_tokens: 300,
    });
    expect(config.ollama.models.support).toEqual({
      name: 'llama2:7b',
      temperature: 0.5,
      top_p: 0.8,
      max_tokens: 400,
    });
    expect(config.prompts.system_fr).toMatch(/jamais explicite ni vulgaire/);
    expect(config.platforms.fanvue).toEqual({ messages_per_minute: 10, messages_per_day: 1000 });
    expect(config.platforms.onlyfans).toEqual({ messages_per_minute: 5, messages_per_day: 500 });
    expect(config.platforms.telegram).toEqual({
      messages_per_second_per_chat: 1,
      messages_per_second_per_bot: 30,
    });
    expect(config.auth.access_token_ttl).toBe(15 * 60_000);
    // New subscribers are welcomed after the seed's delay for their platform.
    expect(config.sales.welcome.after).toEqual({ default: 30_000, fanvue: 30_000, onlyfans: 45_000 });
  });

  it('names the bad key', () => {
    const broken = shipped.replace('temperature: 0.8', 'temperature: hot');
    expect(() => parseVelvetConfig(broken)).toThrow(/ollama\.models\.sales\.temperature: /);
    const unknown = shipped.replace('keep_alive: 10m', 'keep_alive: 10m\n  keepalive: 5m');
    expect(() => parseVelvetConfig(unknown)).toThrow(/ollama: .*keepalive/);
    const missing = shipped.replace(/ {4}messages_per_day: 500\n/, '');
    expect(() => parseVelvetConfig(missing)).toThrow(/platforms\.onlyfans\.messages_per_day/);
  });

  it('reports YAML syntax errors', () => {
    expect(() => parseVelvetConfig('ollama: [unclosed', 'x.yaml')).toThrow(/x\.yaml is not valid YAML/);
  });

  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
