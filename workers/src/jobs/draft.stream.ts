import { coalesceTokens, OllamaError } from '@velvet/llm';
import type { WorkerContext } from '../context';
import { draftPrompt, type DraftScene } from './draft.context';

const COALESCE_MS = 25;
const ALERT_EVERY_MS = 60_000;

/** The reply as written, by the model or (when it could not answer) by the intent's template. */
export interface DraftReply {
  text: string;
  generatedBy: 'llm' | 'fallback';
  timings: Record<string, number>;
}

/**
 * Streams the model's reply to the inbox in ~25 ms chunks. When Ollama cannot answer the
 * template stands in; nothing comes back when a newer fan message aborted the stream.
 */
export async function streamReply(
  ctx: WorkerContext,
  scene: DraftScene,
  run: { draftId: string; facts: string[]; queueWaitMs: number },
): Promise<DraftReply | undefined> {
  const { conversation, model, target } = scene;
  const running = ctx.aborts.register(conversation.id);
  let text = '';
  let generatedBy: 'llm' | 'fallback' = 'llm';
  let timings: Record<string, number> = { queueWaitMs: run.queueWaitMs };
  try {
    const stream = ctx.ollama.streamChat({
      model,
      keepAlive: ctx.config.ollama.keep_alive,
      signal: running.signal,
      messages: draftPrompt(ctx, scene, run.facts),
    });
    let final: { timeToFirstTokenMs: number; tokensPerSecond: number; evalCount: number } | undefined;
    const tokens = (async function* () {
      for await (const event of stream) {
        if (event.type === 'token') yield event.text;
        else final = event;
      }
    })();
    for await (const chunk of coalesceTokens(tokens, COALESCE_MS)) {
      text += chunk;
      ctx.publisher.emitVolatile(target, 'draft:token', { draftId: run.draftId, text: chunk });
    }
    timings = { ...timings, ...final };
  } catch (error) {
    if (error instanceof OllamaError && error.code === 'aborted') return;
    const code = error instanceof OllamaError ? error.code : 'unknown';
    // The alert below tells supervisors; the log keeps one line, with the stack only when unexpected.
    ctx.logger.warn(
      code === 'unknown'
        ? { err: error, conversationId: conversation.id }
        : { code, conversationId: conversation.id },
      'draft fell back to the template',
    );
    text = scene.template.fallback[scene.lang];
    generatedBy = 'fallback';
    timings = { ...timings, fallback: 1 };
    await alertLlmDown(ctx, target, code);
  } finally {
    running.release();
  }
  return { text, generatedBy, timings };
}

/** At most one LLM alert a minute across every worker, so a down server does not flood supervisors. */
async function alertLlmDown(
  ctx: WorkerContext,
  target: { creatorId: string; conversationId: string },
  code: string,
) {
  const first = await ctx.connection.set(`${ctx.redisPrefix}:alert:llm`, code, 'PX', ALERT_EVERY_MS, 'NX');
  if (first !== 'OK') return;
  await ctx.publisher.emit(target, 'alert', {
    kind: 'llm_down',
    severity: 'warning',
    message: `The language model could not answer (${code}); replies use templates until it is back.`,
    creatorId: target.creatorId,
    conversationId: target.conversationId,
    at: ctx.now().toISOString(),
  });
}
