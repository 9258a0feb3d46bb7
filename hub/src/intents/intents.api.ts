import { z } from 'zod';
import { INTENTS } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';
import { classifyBody, correctIntentBody } from './intents.schema';

export const intentsApi: ApiRoute[] = [
  {
    route: 'POST /api/intents/classify',
    summary: 'Classify a text into the intent taxonomy',
    access: 'any signed-in user',
    auth: 'bearer',
    body: classifyBody,
    responses: {
      200: {
        description: 'The intent, the classifier’s confidence and the language',
        schema: z.object({ intent: z.enum(INTENTS), confidence: z.number(), lang: z.enum(['fr', 'en']) }),
      },
    },
  },
  {
    route: 'POST /api/messages/:id/intent',
    summary: 'Correct the intent of a fan message (kept as training data)',
    action: 'intent:correct',
    auth: 'bearer',
    body: correctIntentBody,
    responses: {
      200: {
        description: 'The message’s intent before and after',
        schema: z.object({ messageId: z.uuid(), intent: z.enum(INTENTS), previous: z.string().nullable() }),
      },
    },
  },
  {
    route: 'GET /api/intents/corrections',
    summary: 'Every intent correction, one JSON object a line (`{text, intent}`)',
    action: 'intent:export',
    auth: 'bearer',
    responses: { 200: { description: 'Newline-delimited JSON', contentType: 'application/x-ndjson' } },
  },
];
