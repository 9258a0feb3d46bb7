import {
  auditRepo,
  conversationsRepo,
  intentCorrectionsRepo,
  messagesRepo,
  NotFound,
  type Actor,
  type InboxPublisher,
  type Intent,
} from '@velvet/shared';
import type { IntentClassifier } from '@velvet/llm';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

export function createIntentsService(
  ctx: HubContext,
  deps: { classifier: IntentClassifier; publisher: InboxPublisher },
) {
  return {
    classify(text: string, lang?: 'fr' | 'en') {
      const { intent, confidence, lang: detected } = deps.classifier.classify(text, { lang });
      return { intent, confidence, lang: detected };
    },

    /** An operator fixes a fan message's intent; kept for the next training run. */
    async correct(actor: Actor, messageId: string, intent: Intent) {
      const message = await messagesRepo.findById(ctx.db, messageId);
      if (!message || message.direction !== 'in') throw new NotFound('Message');
      const conversation = await conversationsRepo.findById(ctx.db, message.conversationId);
      if (!conversation) throw new NotFound('Message');
      authorize(actor, 'intent:correct', { creatorId: conversation.creatorId });
      await ctx.db.transaction(async (tx) => {
        await intentCorrectionsRepo.insert(tx, {
          messageId,
          text: message.text,
          oldIntent: message.intent,
          newIntent: intent,
          userId: actor.id,
        });
        await messagesRepo.setIntent(tx, messageId, intent, 1, message.lang ?? 'other');
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'intent.correct',
          creatorId: conversation.creatorId,
          conversationId: conversation.id,
          targetType: 'message',
          targetId: messageId,
          data: { from: message.intent, to: intent },
        });
      });
      await deps.publisher.emit(
        { creatorId: conversation.creatorId, conversationId: conversation.id },
        'message:intent',
        {
          conversationId: conversation.id,
          messageId,
          intent,
          confidence: 1,
          lang: message.lang ?? 'other',
        },
      );
      return { messageId, intent, previous: message.intent };
    },

    /** Corrections as training lines (`llm/datasets/intents/corrections.jsonl`). */
    async exportCorrections(actor: Actor): Promise<string> {
      authorize(actor, 'intent:export');
      const rows = await intentCorrectionsRepo.all(ctx.db);
      const latest = new Map(rows.map((row) => [row.messageId, row]));
      return [...latest.values()]
        .map((row) => JSON.stringify({ text: row.text, intent: row.newIntent }))
        .join('\n');
    },
  };
}

export type IntentsService = ReturnType<typeof createIntentsService>;
