import { z } from 'zod';
import { badResponse, networkFailure, readJson, type ApiResult } from './api';
import { session } from './session.svelte';

// The contract, from the browser-safe part of shared (no server code in the bundle): the
// response schemas the hub's presenters are typed against, parsed here.
import {
  conversationDetailResponse,
  conversationPageResponse,
  fanPanelResponse,
  messagePageResponse,
  platformListResponse,
  teamResponse,
  type ConversationStatus,
  type Intent,
} from '@velvet/shared/contract';

export {
  CONVERSATION_STATUSES,
  INTENTS,
  type Attachment,
  type Conversation,
  type ConversationStatus,
  type Draft,
  type FanPanel,
  type Intent,
  type Message,
  type PlatformInfo,
} from '@velvet/shared/contract';
const creatorList = z.object({
  creators: z.array(z.object({ id: z.string(), name: z.string(), pseudonym: z.string() })),
});

const intentResult = z.object({ intent: z.string() }).passthrough();
const messageIdResult = z.object({ messageId: z.string() });
const nothing = z.unknown();

/** `open` (the default list): neither resolved nor snoozed. */
export type ConversationView = 'open' | 'snoozed' | 'resolved';

export interface ConversationFilters {
  view?: ConversationView;
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
/** Saved replies (issue 22): a creator's and the shared ones, as the panel manages them. */
export const savedReply = z.object({
  id: z.string(),
  creatorId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  lang: z.enum(['fr', 'en']).nullable(),
  updatedAt: z.string(),
});
export type SavedReply = z.output<typeof savedReply>;
const savedReplyList = z.object({ replies: z.array(savedReply) });
/** The same, each with its variables filled for one conversation (`text`). */
const renderedReplies = z.object({
  replies: z.array(savedReply.extend({ text: z.string() })),
  variables: z.array(z.string()),
});
export type RenderedReply = z.output<typeof renderedReplies>['replies'][number];
/** A person's shift (auto-assignment hands conversations to people on duty). */
const shiftResponse = z.object({
  onDuty: z.boolean(),
  capacity: z.number(),
  load: z.number(),
  /** Conversations handed back to the queue by going off duty. */
  released: z.number().optional(),
});

/** A creator's team for auto-assignment, with who is on duty and how loaded. */
const teamView = z.object({
  creatorId: z.string(),
  strategy: z.enum(['round_robin', 'least_loaded']),
  enabled: z.boolean(),
  members: z.array(
    z.object({
      userId: z.string(),
      email: z.string(),
      role: z.string(),
      capacity: z.number(),
      onDuty: z.boolean(),
      online: z.boolean(),
      load: z.number(),
    }),
  ),
});
export type TeamView = z.output<typeof teamView>;
const queued = z.object({
  conversationId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  fanName: z.string(),
  status: z.enum(['human', 'escalated']),
  escalationReason: z.string().nullable(),
  since: z.string(),
});
/** What waits for a person at creators with a team, what people hold, and who could take it. */
const queueView = z.object({
  waiting: z.array(queued),
  assigned: z.array(queued.extend({ assignedTo: z.object({ userId: z.string(), email: z.string() }) })),
  creators: z.array(
    z.object({
      creatorId: z.string(),
      creatorName: z.string(),
      waiting: z.number(),
      onDuty: z.number(),
      online: z.number(),
    }),
  ),
});
export type QueueView = z.output<typeof queueView>;
const handAssigned = z.object({
  conversationId: z.string(),
  assignedTo: z.string(),
  load: z.number(),
  capacity: z.number(),
});

export const api = {
  assignmentTeam: (creatorId: string) =>
    session.request(teamView, `/api/creators/${encodeURIComponent(creatorId)}/assignment`),
  setAssignmentTeam: (
    creatorId: string,
    body: { strategy: TeamView['strategy']; members: { userId: string; capacity: number }[] },
  ) =>
    session.request(teamView, `/api/creators/${encodeURIComponent(creatorId)}/assignment`, {
      method: 'PUT',
      body,
    }),
  assignmentQueue: () => session.request(queueView, '/api/assignment/queue'),
  /** Hands a conversation to someone; `from` is who held it as shown (null: waiting). */
  assignByHand: (conversationId: string, userId: string, from: string | null) =>
    session.request(handAssigned, `/api/assignment/conversations/${encodeURIComponent(conversationId)}`, {
      method: 'PUT',
      body: { userId, from },
    }),
  savedReplies: (creatorId?: string) =>
    session.request(
      savedReplyList,
      `/api/saved-replies${creatorId ? `?creatorId=${encodeURIComponent(creatorId)}` : ''}`,
    ),
  conversationReplies: (conversationId: string) =>
    session.request(
      renderedReplies,
      `/api/conversations/${encodeURIComponent(conversationId)}/saved-replies`,
    ),
  createSavedReply: (body: {
    creatorId: string | null;
    title: string;
    body: string;
    lang: 'fr' | 'en' | null;
  }) => session.request(savedReply, '/api/saved-replies', { method: 'POST', body }),
  updateSavedReply: (id: string, body: { title?: string; body?: string; lang?: 'fr' | 'en' | null }) =>
    session.request(savedReply, `/api/saved-replies/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  deleteSavedReply: (id: string) =>
    session.request(z.undefined(), `/api/saved-replies/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  shift: () => session.request(shiftResponse, '/api/me/shift'),
  setShift: (onDuty: boolean) =>
    session.request(shiftResponse, '/api/me/shift', { method: 'PUT', body: { onDuty } }),

  creators: () => session.request(creatorList, '/api/creators'),

  /** The platforms this hub speaks, with what each can do. */
  platforms: () => session.request(platformListResponse, '/api/platforms'),

  conversations: (filters: ConversationFilters, cursor?: string, limit = 200) =>
    session.request(
      conversationPageResponse,
      `/api/conversations${query({ ...filters, unread: filters.unread ? 'true' : undefined, cursor, limit })}`,
    ),

  conversation: (id: string) =>
    session.request(conversationDetailResponse, `/api/conversations/${encodeURIComponent(id)}`),

  /** Clears the conversation's unread count on the server, for every inbox. */
  /** The fan's data as one archive (admins): their messages, consents, purchases and files. */
  exportFan: async (fanId: string): Promise<ApiResult<Blob>> => {
    const result = await session.fetch(`/api/fans/${encodeURIComponent(fanId)}/export`);
    return result.ok ? { ok: true, data: await result.data.blob() } : result;
  },

  /** Irreversibly erases the fan's personal data; `confirm` is their display name. */
  eraseFan: (fanId: string, confirm: string) =>
    session.request(z.unknown(), `/api/fans/${encodeURIComponent(fanId)}/erase`, {
      method: 'POST',
      body: { confirm },
    }),

  /** A person says the fan is under 18: selling stops until an admin clears it. */
  markMinor: (conversationId: string) =>
    session.request(nothing, `/api/conversations/${encodeURIComponent(conversationId)}/mark-minor`, {
      method: 'POST',
    }),

  /** An admin clears a minor flag raised by mistake. */
  clearMinor: (fanId: string) =>
    session.request(nothing, `/api/fans/${encodeURIComponent(fanId)}/clear-minor`, { method: 'POST' }),

  markRead: (conversationId: string) =>
    session.request(nothing, `/api/conversations/${encodeURIComponent(conversationId)}/read`, {
      method: 'POST',
    }),

  messages: (conversationId: string, cursor?: string) =>
    session.request(
      messagePageResponse,
      `/api/conversations/${encodeURIComponent(conversationId)}/messages${query({ cursor, limit: 500 })}`,
    ),

  fan: (fanId: string) => session.request(fanPanelResponse, `/api/fans/${encodeURIComponent(fanId)}`),

  /** The people who may take a creator's conversations (for assigners). */
  team: (creatorId: string) =>
    session.request(teamResponse, `/api/creators/${encodeURIComponent(creatorId)}/team`),

  updateFan: (fanId: string, patch: { notes?: string; tags?: string[] }) =>
    session.request(fanPanelResponse.shape.fan, `/api/fans/${encodeURIComponent(fanId)}`, {
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
