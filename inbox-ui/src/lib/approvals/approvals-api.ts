import { z } from 'zod';
import { session } from '$lib/session.svelte';
import { approvalListSchema, approvalOneSchema, approvalStatsSchema, isoWithOffset } from './cards';

const created = z.object({ id: z.string() });
const publicKey = z.object({ publicKey: z.string() });
const nothing = z.undefined();

/** The approvals view's calls to the hub, each response parsed. */
export const approvalsApi = {
  pending: () => session.request(approvalListSchema, '/api/drafts?status=waiting'),
  one: (draftId: string) => session.request(approvalOneSchema, `/api/drafts/${encodeURIComponent(draftId)}`),
  stats: (since: Date) =>
    session.request(
      approvalStatsSchema,
      `/api/drafts/stats?since=${encodeURIComponent(isoWithOffset(since))}`,
    ),
  vapidPublicKey: () => session.request(publicKey, '/api/push/vapid-public-key'),
  subscribe: (subscription: PushSubscriptionJSON) =>
    session.request(created, '/api/push/subscriptions', { method: 'POST', body: subscription }),
  unsubscribe: (endpoint: string) =>
    session.request(nothing, '/api/push/subscriptions', { method: 'DELETE', body: { endpoint } }),
};
