/** Levenshtein distance between two texts, by Unicode code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/** 0 (sent as drafted) to 1 (nothing of the draft kept): the distance over the longer text. */
export function relativeEdit(draft: string, sent: string): number {
  const longer = Math.max([...draft].length, [...sent].length);
  return longer === 0 ? 0 : editDistance(draft, sent) / longer;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((p, q) => p - q);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One person's decision on an AI draft, as the figures read it. */
export interface Decision {
  who: string;
  creatorId: string;
  conversationId: string;
  status: 'approved' | 'rejected';
  draft: string;
  /** What was sent instead of the draft, when the person edited it. */
  edited: string | null;
  /** Fan message → decision. */
  replyMs: number;
  /** A purchase (not refunded) in this conversation after the decision, within the window. */
  converted: boolean;
}

/** A reply a person typed themselves, without an AI draft. */
export interface Written {
  who: string;
  creatorId: string;
  conversationId: string;
  /** Fan message → this reply, when it is the first answer to it (null for a follow-on). */
  replyMs: number | null;
  /** A purchase (not refunded) in this conversation after the reply, within the window. */
  converted: boolean;
}

export interface QualityFigures {
  decided: number;
  approved: number;
  approvedWithoutEdit: number;
  /** approvedWithoutEdit / decided. */
  approvalWithoutEditRate: number | null;
  /** Mean relative edit distance over approved drafts (unedited ones count 0). */
  editDistance: number | null;
  /** Replies the person typed without a draft. */
  written: number;
  /** Over approved drafts and first written answers. */
  replyMedianMs: number | null;
  conversations: number;
  converted: number;
  conversion: number | null;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export function figures(decisions: readonly Decision[], written: readonly Written[] = []): QualityFigures {
  const approved = decisions.filter((d) => d.status === 'approved');
  const unedited = approved.filter((d) => d.edited === null || d.edited === d.draft);
  const distances = approved.map((d) => (d.edited === null ? 0 : relativeEdit(d.draft, d.edited)));
  const conversations = new Map<string, boolean>();
  for (const d of [...approved, ...written])
    conversations.set(d.conversationId, (conversations.get(d.conversationId) ?? false) || d.converted);
  const converted = [...conversations.values()].filter(Boolean).length;
  const replyMedian = median([
    ...approved.map((d) => d.replyMs),
    ...written.flatMap((w) => (w.replyMs === null ? [] : [w.replyMs])),
  ]);
  return {
    decided: decisions.length,
    approved: approved.length,
    approvedWithoutEdit: unedited.length,
    approvalWithoutEditRate: decisions.length ? round(unedited.length / decisions.length) : null,
    editDistance: distances.length ? round(distances.reduce((s, v) => s + v, 0) / distances.length) : null,
    written: written.length,
    replyMedianMs: replyMedian === null ? null : Math.round(replyMedian),
    conversations: conversations.size,
    converted,
    conversion: conversations.size ? round(converted / conversations.size) : null,
  };
}
