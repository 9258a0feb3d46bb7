import { z } from 'zod';
import { badResponse, networkFailure, readJson, type ApiResult } from './api';
import { session } from './session.svelte';

// The contract's names, from the browser-safe part of shared (no server code in the bundle).
import {
  ATTACHMENT_KINDS,
  CONVERSATION_STATUSES,
  INTENTS,
  type ConversationStatus,
  type Intent,
} from '@velvet/shared/domain';

export { CONVERSATION_STATUSES, INTENTS, type ConversationStatus, type Intent };

const iso = z.string();

export const attachmentSchema = z.object({
  index: z.number(),
  kind: z.enum(ATTACHMENT_KINDS),
  mimeType: z.string().optional(),
  fileName: z.string().optional(),
  size: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration: z.number().optional(),
  /** The hub's route for the bytes; needs the Bearer token. */
  url: z.string(),
});
export type Attachment = z.output<typeof attachmentSchema>;

export const messageSchema = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  sender: z.enum(['fan', 'bot', 'human']),
  text: z.string(),
  attachments: z.array(attachmentSchema).optional(),
  intent: z.string().nullish(),
  status: z.string().nullish(),
  error: z.string().nullish(),
  editedAt: iso.nullish(),
  createdAt: iso,
});
export type Message = z.output<typeof messageSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  creatorId: z.string(),
  creatorName: z.string().default(''),
  accountId: z.string(),
  platform: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  assignedTo: z.string().nullable(),
  assigneeEmail: z.string().nullish(),
  unreadCount: z.number(),
  lastMessageAt: iso,
  /** The first fan message still unanswered, when the fan is waiting. */
  waitingSince: iso.nullish(),
  fan: z.object({
    id: z.string(),
    displayName: z.string(),
    username: z.string().nullable(),
    language: z.string().nullable(),
  }),
  lastMessage: z
    .object({
      text: z.string(),
      direction: z.string(),
      sender: z.string(),
      attachment: z.string().nullish(),
    })
    .nullable(),
});
export type Conversation = z.output<typeof conversationSchema>;

const conversationPage = z.object({
  conversations: z.array(conversationSchema),
  nextCursor: z.string().nullable(),
});

export const draftSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  status: z.string(),
  text: z.string(),
  intent: z.string().nullish(),
  model: z.string().nullish(),
  reasons: z.array(z.string()).default([]),
});
export type Draft = z.output<typeof draftSchema>;

const conversationDetail = z.object({
  conversation: conversationSchema,
  draft: draftSchema.nullable(),
});

const messagePage = z.object({ messages: z.array(messageSchema), nextCursor: z.string().nullable() });

const money = z.object({ cents: z.number(), currency: z.string() });

export const fanPanelSchema = z.object({
  fan: z.object({
    id: z.string(),
    displayName: z.string(),
    username: z.string().nullable(),
    language: z.string().nullable(),
    platform: z.string(),
    subscriptionLevel: z.string().nullable(),
    lifetimeSpend: money,
    purchaseCount: z.number(),
    lastPurchaseAt: iso.nullable(),
    profile: z.record(z.string(), z.unknown()),
    notes: z.string(),
    tags: z.array(z.string()),
    ageVerifiedAt: iso.nullable(),
    ageVerifiedMethod: z.string().nullable(),
    minorSignalAt: iso.nullable(),
    optedOutAt: iso.nullable(),
    disclosedAt: iso.nullable(),
    mutedAt: iso.nullable(),
  }),
  purchases: z.array(
    z.object({ id: z.string(), packName: z.string().nullable(), amount: money, createdAt: iso }),
  ),
  openOffers: z.array(
    z.object({
      id: z.string(),
      packName: z.string(),
      price: money,
      status: z.string(),
      expiresAt: iso,
      createdAt: iso,
    }),
  ),
  followUps: z.array(
    z.object({ id: z.string(), kind: z.string(), dueAt: iso, packName: z.string().nullable() }),
  ),
});
export type FanPanel = z.output<typeof fanPanelSchema>;

const creatorList = z.object({
  creators: z.array(z.object({ id: z.string(), name: z.string(), pseudonym: z.string() })),
});

const intentResult = z.object({ intent: z.string() }).passthrough();
const messageIdResult = z.object({ messageId: z.string() });
const nothing = z.unknown();

const platformList = z.object({
  platforms: z.array(
    z.object({
      platform: z.string(),
      chat: z.boolean(),
      publish: z.boolean(),
      connect: z.enum(['credentials', 'oauth']),
    }),
  ),
});
export type PlatformInfo = z.output<typeof platformList>['platforms'][number];

export interface ConversationFilters {
  creatorId?: string;
  platform?: string;
  status?: ConversationStatus;
  assigned?: 'me' | 'none';
  unread?: boolean;
  q?: string;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Typed calls to the hub's REST API; each response is parsed, never cast. */
export const api = {
  creators: () => session.request(creatorList, '/api/creators'),

  /** The platforms this hub speaks, with what each can do. */
  platforms: () => session.request(platformList, '/api/platforms'),

  conversations: (filters: ConversationFilters, cursor?: string, limit = 200) =>
    session.request(
      conversationPage,
      `/api/conversations${query({ ...filters, unread: filters.unread ? 'true' : undefined, cursor, limit })}`,
    ),

  conversation: (id: string) =>
    session.request(conversationDetail, `/api/conversations/${encodeURIComponent(id)}`),

  /** Clears the conversation's unread count on the server, for every inbox. */
  markRead: (conversationId: string) =>
    session.request(nothing, `/api/conversations/${encodeURIComponent(conversationId)}/read`, {
      method: 'POST',
    }),

  messages: (conversationId: string, cursor?: string) =>
    session.request(
      messagePage,
      `/api/conversations/${encodeURIComponent(conversationId)}/messages${query({ cursor, limit: 500 })}`,
    ),

  fan: (fanId: string) => session.request(fanPanelSchema, `/api/fans/${encodeURIComponent(fanId)}`),

  updateFan: (fanId: string, patch: { notes?: string; tags?: string[] }) =>
    session.request(fanPanelSchema.shape.fan, `/api/fans/${encodeURIComponent(fanId)}`, {
      method: 'PATCH',
      body: patch,
    }),

  correctIntent: (messageId: string, intent: Intent) =>
    session.request(intentResult, `/api/messages/${encodeURIComponent(messageId)}/intent`, {
      method: 'POST',
      body: { intent },
    }),

  retryMessage: (messageId: string) =>
    session.request(messageIdResult, `/api/messages/${encodeURIComponent(messageId)}/retry`, {
      method: 'POST',
    }),

  /** A message's file as a Blob (the route needs the token, so no plain `src=`). */
  attachment: async (url: string): Promise<ApiResult<Blob>> => {
    // Only the hub's own attachment route: a URL from elsewhere never gets the token.
    if (!/^\/api\/messages\/[\w-]+\/attachments\/\d+$/.test(url)) return badResponse(0);
    const result = await session.fetch(url);
    if (!result.ok) return result;
    try {
      return { ok: true, data: await result.data.blob() };
    } catch {
      return networkFailure;
    }
  },

  /** A photo or file for the fan, `caption` as its text; the key makes a retry send it once. */
  sendAttachment: async (
    conversationId: string,
    input: { file: File; caption: string; clientMessageId: string },
  ): Promise<ApiResult<{ messageId: string }>> => {
    const form = new FormData();
    form.set('caption', input.caption);
    form.set('clientMessageId', input.clientMessageId);
    form.set('file', input.file, input.file.name);
    const result = await session.fetch(
      `/api/conversations/${encodeURIComponent(conversationId)}/attachments`,
      {
        method: 'POST',
        body: form,
      },
    );
    if (!result.ok) return result;
    const parsed = messageIdResult.safeParse(await readJson(result.data));
    return parsed.success ? { ok: true, data: parsed.data } : badResponse(result.data.status);
  },

  cancelFollowUp: (followUpId: string) =>
    session.request(nothing, `/api/follow-ups/${encodeURIComponent(followUpId)}/cancel`, {
      method: 'POST',
    }),
};
