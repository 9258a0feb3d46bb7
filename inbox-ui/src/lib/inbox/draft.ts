/** The draft of one conversation as the thread shows it, built from the draft events. */
export interface DraftView {
  draftId: string;
  conversationId: string;
  status: 'drafting' | 'pending_approval' | 'blocked' | 'auto_sent' | 'approved' | 'rejected' | 'superseded';
  text: string;
  model?: string | null;
  intent?: string | null;
  reasons: string[];
  /** What goes out with it: the AI notice before, a payment request after. */
  preview?: DraftPreview;
  /** Why a superseded draft was withdrawn: the fan wrote again, or a person took over. */
  retiredBy?: string;
}

export interface DraftPreview {
  disclosure?: string;
  offer?: { pack: string; amountCents: number; currency: string; how: string };
}

export type DraftEvent =
  | { type: 'start'; draftId: string; conversationId: string; model: string }
  | { type: 'token'; draftId: string; text: string }
  | {
      type: 'done';
      draftId: string;
      conversationId: string;
      text: string;
      intent: string;
      status: 'pending_approval' | 'auto_sent' | 'blocked';
      reasons?: string[];
      preview?: DraftPreview;
    }
  | { type: 'superseded'; draftId: string; conversationId: string; reason?: string }
  | { type: 'decided'; draftId: string; status: 'approved' | 'rejected' }
  | { type: 'loaded'; draft: DraftView | null; conversationId: string };

/** Drafts by conversation id. */
export type DraftMap = Record<string, DraftView>;

const OPEN = new Set<DraftView['status']>(['drafting', 'pending_approval', 'blocked']);

/** Whether a draft still waits on a person (shown with Approve / Edit / Reject). */
export function isActionable(draft: DraftView | undefined): boolean {
  return !!draft && (draft.status === 'pending_approval' || draft.status === 'blocked');
}

function byDraftId(map: DraftMap, draftId: string): DraftView | undefined {
  return Object.values(map).find((d) => d.draftId === draftId);
}

/**
 * Pure reducer. Tokens for a draft we never saw start are ignored (a reload fetches the
 * text); `done` carries the full text and wins over whatever chunks arrived.
 */
export function reduceDraft(map: DraftMap, event: DraftEvent): DraftMap {
  switch (event.type) {
    case 'start':
      return {
        ...map,
        [event.conversationId]: {
          draftId: event.draftId,
          conversationId: event.conversationId,
          status: 'drafting',
          text: '',
          model: event.model,
          reasons: [],
        },
      };
    case 'token': {
      const draft = byDraftId(map, event.draftId);
      if (!draft || draft.status !== 'drafting') return map;
      return { ...map, [draft.conversationId]: { ...draft, text: draft.text + event.text } };
    }
    case 'done': {
      const previous = map[event.conversationId];
      // A late `done` of a draft already replaced by a newer one changes nothing.
      if (previous && previous.draftId !== event.draftId && OPEN.has(previous.status)) return map;
      return {
        ...map,
        [event.conversationId]: {
          draftId: event.draftId,
          conversationId: event.conversationId,
          status: event.status,
          text: event.text,
          model: previous?.model,
          intent: event.intent,
          reasons: event.reasons ?? [],
          ...(event.preview ? { preview: event.preview } : {}),
        },
      };
    }
    case 'superseded': {
      const draft = map[event.conversationId];
      if (!draft || draft.draftId !== event.draftId) return map;
      return {
        ...map,
        [event.conversationId]: {
          ...draft,
          status: 'superseded',
          ...(event.reason ? { retiredBy: event.reason } : {}),
        },
      };
    }
    case 'decided': {
      const draft = byDraftId(map, event.draftId);
      if (!draft) return map;
      return { ...map, [draft.conversationId]: { ...draft, status: event.status } };
    }
    case 'loaded': {
      const current = map[event.conversationId];
      // A stream already running here is fresher than what the server had when it answered.
      if (current && current.status === 'drafting' && event.draft?.draftId === current.draftId) {
        return current.text.length >= event.draft.text.length
          ? map
          : { ...map, [event.conversationId]: event.draft };
      }
      if (!event.draft) {
        if (!current) return map;
        const { [event.conversationId]: _dropped, ...rest } = map;
        return rest;
      }
      return { ...map, [event.conversationId]: event.draft };
    }
  }
}
