#!/usr/bin/env node
// Pulls every model named in VELVET_CONFIG (config/velvet.yaml, `ollama.models.*.name`) into
// the Ollama server at OLLAMA_HOST; already present models are only checked. Compose runs it
// once at start (the `ollama-pull` service); it exits non-zero if a pull fails.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const host = (process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
const config = YAML.parse(readFileSync(process.env.VELVET_CONFIG ?? 'config/velvet.yaml', 'utf8'));
const models = [...new Set(Object.values(config?.ollama?.models ?? {}).map((m) => m?.name))].filter(Boolean);

for (const model of models) {
  process.stdout.write(`ollama: pulling ${model}…\n`);
  // stream:false answers once the model is complete (several GB the first time).
  const response = await fetch(`${host}/api/pull`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: false }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.status !== 'success') {
    process.stderr.write(`ollama: pulling ${model} failed: ${response.status} ${JSON.stringify(body)}\n`);
    process.exit(1);
  }
}
process.stdout.write(`ollama: ${models.length} model(s) ready: ${models.join(', ')}\n`);
