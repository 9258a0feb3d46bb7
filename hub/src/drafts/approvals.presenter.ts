import { presentAttachments } from '@velvet/shared';
import type { ApprovalRow } from './approvals.queries';

const iso = (value: Date | string) => new Date(value).toISOString();

/** A draft as an approval card: the fan's words, the draft, and how long it has waited. */
export function presentApproval(row: ApprovalRow, now: Date) {
  return {
    id: row.id,
    conversationId: row.conversationId,
    creatorId: row.creatorId,
    creatorName: row.creatorName,
    platform: row.platform,
    fanName: row.fanName,
    fanMessages: row.fanMessages.map((m) => ({
      id: m.id,
      text: m.text,
      attachments: presentAttachments(m.id, m.attachments),
      createdAt: iso(m.createdAt),
    })),
    text: row.text,
    intent: row.intent,
    status: row.status,
    reasons: row.reasons,
    createdAt: iso(row.createdAt),
    waitingSince: iso(row.waitingSince),
    ageSeconds: Math.max(0, Math.round((now.getTime() - new Date(row.waitingSince).getTime()) / 1000)),
  };
}
export type ApprovalView = ReturnType<typeof presentApproval>;
