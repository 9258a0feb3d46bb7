import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';

const days = z.number().nullable();

export const retentionApi: ApiRoute[] = [
  {
    route: 'GET /api/retention/preview',
    summary: 'The retention policy in force and what its next run would anonymise',
    action: 'retention:read',
    auth: 'bearer',
    responses: {
      200: {
        description: 'The policy (null: kept forever) and the counts of the next run',
        schema: z.object({
          policy: z.object({
            inactiveFanMessagesDays: days,
            unsentDraftsDays: days,
            rawPayloadsDays: days,
            readNotificationsDays: days,
            everyHours: z.number(),
          }),
          next: z.object({
            conversations: z.number().int(),
            messages: z.number().int(),
            unsentDrafts: z.number().int(),
            rawPayloads: z.number().int(),
            notifications: z.number().int(),
          }),
        }),
      },
    },
  },
];
