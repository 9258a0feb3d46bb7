import { z } from 'zod';
import { INTENTS } from '@velvet/shared';

export const classifyBody = z.strictObject({
  text: z.string().min(1, 'is required').max(4096, 'must be at most 4096 characters'),
  lang: z.enum(['fr', 'en']).optional(),
});

export const correctIntentBody = z.strictObject({
  intent: z.enum(INTENTS, { message: `must be one of ${INTENTS.join(', ')}` }),
});
