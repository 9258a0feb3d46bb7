import { getContext, setContext } from 'svelte';
import {
  api,
  type Conversation,
  type ConversationFilters,
  type Intent,
  type FanPanel as Panel,
  type Message,
} from '$lib/client';
import { locale } from '$lib/lang.svelte';
import { session } from '$lib/session.svelte';
import type { ConversationAbilities, TeamMember } from '@velvet/shared/contract';
import { inboxActions, type InboxSocket } from '$lib/socket.svelte';
import { applyMessage, matchesFilters, upsert } from './conversations';
import { isActionable, reduceDraft, type DraftEvent, type DraftMap } from './draft';
import { fill, inboxText } from './i18n';
import { newClientMessageId, sendOutgoing, type Outgoing } from './outgoing';

/** The server events the inbox listens to; all of them are dropped when the page goes. */
const EVENTS = [
  'message:new',
  'message:sent',
  'message:failed',
  'message:intent',
  'message:edited',
  'draft:start',
  'draft:token',
  'draft:done',
  'draft:superseded',
  'draft:decided',
  'conversation:update',
  'offer:update',
  'purchase:new',
  'purchase:refunded',
  'followup:update',
] as const;

/**
 * The inbox page's state and actions: the conversation list, the open thread with its
 * draft and outgoing messages, and the fan panel. The page provides one per visit.
 */
export class InboxState {
  readonly t = $derived(inboxText[locale.lang]);
  readonly lang = $derived(locale.lang);
  readonly userId = $derived(session.user?.id ?? '');

  filters = $state<ConversationFilters>({ view: 'open' });
  conversations = $state.raw<Conversation[]>([]);
  loadingList = $state(true);
  creators = $state.raw<{ id: string; pseudonym: string }[]>([]);
  /** Chat platforms this hub speaks, for the filter. */
  platforms = $state.raw<string[]>([]);
  now = $state(Date.now());
  #nextCursor: string | null = null;
  #loadingMore = false;
  #listGeneration = 0;

  selectedId = $state<string | null>(null);
  messages = $state.raw<Message[]>([]);
  /** Who the open conversation can be handed to, for people who may assign others. */
  team = $state.raw<TeamMember[]>([]);
  drafts = $state.raw<DraftMap>({});
  outgoing = $state.raw<Outgoing[]>([]);
  panel = $state.raw<Panel | null>(null);
  busy = $state(false);
  threadError = $state('');
  uploading = $state(false);
  editing = $state(false);

  readonly selected = $derived(this.conversations.find((c) => c.id === this.selectedId) ?? null);
  readonly draft = $derived(this.selectedId ? this.drafts[this.selectedId] : undefined);
  readonly threadOutgoing = $derived(
    this.outgoing.filter((o) => o.conversationId === this.selectedId && !o.messageId),
  );
  /** What the hub says the user may do in the open conversation (never guessed from the role). */
  abilities = $state.raw<ConversationAbilities | null>(null);
  readonly canAssign = $derived(
    (this.abilities?.assign ?? false) && this.selected?.assignedTo !== this.userId,
  );
  readonly canRelease = $derived(this.abilities?.release ?? false);
  readonly canCorrect = $derived(this.abilities?.correctIntent ?? false);

  async loadList() {
    const generation = ++this.#listGeneration;
    this.loadingList = true;
    const result = await api.conversations(this.filters);
    if (generation !== this.#listGeneration) return;
    this.loadingList = false;
    if (!result.ok) return void (this.threadError = fill(this.t.error, { e: result.message || result.code }));
    this.conversations = result.data.conversations;
    this.#nextCursor = result.data.nextCursor;
  }

  async loadMore() {
    if (!this.#nextCursor || this.#loadingMore) return;
    this.#loadingMore = true;
    const generation = this.#listGeneration;
    const result = await api.conversations(this.filters, this.#nextCursor);
    this.#loadingMore = false;
    if (generation !== this.#listGeneration || !result.ok) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered.
    const known = new Set(this.conversations.map((c) => c.id));
    this.conversations = [
      ...this.conversations,
      ...result.data.conversations.filter((c) => !known.has(c.id)),
    ];
    this.#nextCursor = result.data.nextCursor;
  }

  /**
   * A snooze runs out without any event: every minute the newest page of the open list is
   * merged in, so a conversation whose time came back shows up where it belongs.
   */
  async wakeSnoozed() {
    if ((this.filters.view ?? 'open') !== 'open' || this.loadingList) return;
    const generation = this.#listGeneration;
    const result = await api.conversations(this.filters, undefined, 50);
    if (generation !== this.#listGeneration || !result.ok) return;
    let list = this.conversations;
    for (const c of result.data.conversations) if (!list.some((x) => x.id === c.id)) list = upsert(list, c);
    this.conversations = list;
  }

  /** The creators and platforms the filters offer. */
  loadChoices() {
    void api.creators().then((r) => r.ok && (this.creators = r.data.creators));
    void api
      .platforms()
      .then((r) => r.ok && (this.platforms = r.data.platforms.filter((p) => p.chat).map((p) => p.platform)));
  }

  async loadThread(id: string) {
    const [detail, page] = await Promise.all([api.conversation(id), api.messages(id)]);
    if (id !== this.selectedId) return;
    if (detail.ok) {
      const d = detail.data;
      this.abilities = d.abilities;
      this.conversations = upsert(this.conversations, { ...d.conversation, unreadCount: 0 });
      this.drafts = reduceDraft(this.drafts, {
        type: 'loaded',
        conversationId: id,
        draft: d.draft
          ? {
              draftId: d.draft.id,
              conversationId: id,
              status: toDraftStatus(d.draft.status),
              text: d.draft.text,
              model: d.draft.model,
              intent: d.draft.intent,
              reasons: d.draft.reasons,
              ...(d.draft.preview ? { preview: d.draft.preview } : {}),
            }
          : null,
      });
      void this.loadPanel(d.conversation.fan.id);
      if (d.abilities.assignOthers) void this.loadTeam(d.conversation.creatorId);
      else this.team = [];
    }
    if (page.ok) this.messages = page.data.messages;
    else this.threadError = fill(this.t.error, { e: page.message || page.code });
  }

  async loadTeam(creatorId: string) {
    const result = await api.team(creatorId);
    if (result.ok && this.selected?.creatorId === creatorId) this.team = result.data.team;
  }

  /** Hands the open conversation to a teammate (or to oneself). */
  async assignTo(userId: string) {
    if (!this.selectedId || this.busy) return;
    this.busy = true;
    const ack = await inboxActions.assign({ conversationId: this.selectedId, userId });
    this.busy = false;
    if (!ack.ok) this.threadError = fill(this.t.error, { e: ack.error.message });
  }

  async loadPanel(fanId: string) {
    const result = await api.fan(fanId);
    if (result.ok && this.selected?.fan.id === fanId) this.panel = result.data;
  }

  /** After a reconnect that did not get the missed events back: reload what is on screen. */
  resync() {
    void this.loadList();
    if (this.selectedId) void this.loadThread(this.selectedId);
  }

  select(id: string) {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.messages = [];
    this.panel = null;
    this.editing = false;
    this.threadError = '';
    this.conversations = this.conversations.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c));
    // Always asked: the list may be behind the server's count; the server ignores a no-op.
    void api.markRead(id);
    void this.loadThread(id);
  }

  /** Opens a conversation named by a link (a notification, the activity log), even one the filters hide. */
  async open(id: string) {
    this.select(id);
    await this.refreshConversation(id);
  }

  move(delta: number) {
    if (this.conversations.length === 0) return;
    const index = this.conversations.findIndex((c) => c.id === this.selectedId);
    const next = index === -1 ? 0 : Math.min(this.conversations.length - 1, Math.max(0, index + delta));
    this.select(this.conversations[next]!.id);
  }

  setFilters(next: ConversationFilters) {
    this.filters = next;
    void this.loadList();
  }

  dispatchDraft(event: DraftEvent) {
    this.drafts = reduceDraft(this.drafts, event);
  }

  /**
   * Sends the draft, or `text` in its place. A draft held by the checks is never sent by the
   * approve shortcut: only edited, or with `sendAnyway` (its own button).
   */
  async approve(text?: string, sendAnyway = false) {
    if (!this.draft || !isActionable(this.draft) || this.busy) return;
    if (this.draft.status === 'blocked' && !text && !sendAnyway) {
      this.editing = true;
      return;
    }
    this.busy = true;
    this.threadError = '';
    const ack = await inboxActions.approveDraft({
      draftId: this.draft.draftId,
      ...(text ? { text } : {}),
      ...(sendAnyway ? { sendAnyway: true as const } : {}),
    });
    this.busy = false;
    if (ack.ok) {
      this.editing = false;
      this.dispatchDraft({ type: 'decided', draftId: this.draft.draftId, status: 'approved' });
    } else this.threadError = fill(this.t.error, { e: ack.error.message });
  }

  async reject() {
    if (!this.draft || !isActionable(this.draft) || this.busy) return;
    this.busy = true;
    const ack = await inboxActions.rejectDraft({ draftId: this.draft.draftId });
    this.busy = false;
    if (ack.ok) this.dispatchDraft({ type: 'decided', draftId: this.draft.draftId, status: 'rejected' });
    else this.threadError = fill(this.t.error, { e: ack.error.message });
  }

  #updateOutgoing = (item: Outgoing) => {
    const exists = this.outgoing.some((o) => o.clientMessageId === item.clientMessageId);
    this.outgoing = exists
      ? this.outgoing.map((o) => (o.clientMessageId === item.clientMessageId ? item : o))
      : [...this.outgoing, item];
    // The message may already be in the thread (message:new came before the ack).
    if (item.messageId && this.messages.some((m) => m.id === item.messageId)) {
      this.outgoing = this.outgoing.filter((o) => o.clientMessageId !== item.clientMessageId);
    }
  };

  send(text: string) {
    if (!this.selectedId) return;
    const item: Outgoing = {
      clientMessageId: newClientMessageId(),
      conversationId: this.selectedId,
      text,
      state: 'sending',
    };
    void sendOutgoing(item, inboxActions.sendMessage, this.#updateOutgoing);
  }

  retryOutgoing(item: Outgoing) {
    void sendOutgoing(item, inboxActions.sendMessage, this.#updateOutgoing);
  }

  /** The message appears through message:new once the hub has stored it. */
  async sendFile(file: File, caption: string) {
    if (!this.selectedId || this.uploading) return;
    this.uploading = true;
    this.threadError = '';
    const result = await api.sendAttachment(this.selectedId, {
      file,
      caption,
      clientMessageId: newClientMessageId(),
    });
    this.uploading = false;
    if (!result.ok) this.threadError = fill(this.t.error, { e: result.message || result.code });
  }

  async retryMessage(messageId: string) {
    const result = await api.retryMessage(messageId);
    if (!result.ok) this.threadError = fill(this.t.error, { e: result.message || result.code });
    else this.messages = this.messages.map((m) => (m.id === messageId ? { ...m, status: 'retried' } : m));
  }

  async correctIntent(messageId: string, intent: Intent) {
    const result = await api.correctIntent(messageId, intent);
    if (result.ok) this.messages = this.messages.map((m) => (m.id === messageId ? { ...m, intent } : m));
    else this.threadError = fill(this.t.error, { e: result.message || result.code });
  }

  /** Out of the open list until `until` (or the fan's next message). */
  async snooze(until: Date) {
    if (!this.selectedId || this.busy) return;
    this.busy = true;
    const ack = await inboxActions.snooze({ conversationId: this.selectedId, until: until.toISOString() });
    this.busy = false;
    if (!ack.ok) this.threadError = fill(this.t.error, { e: ack.error.message });
  }

  /** A person decides the fan is under 18 (the page asked them to confirm first). */
  async clearMinor() {
    const fanId = this.panel?.fan.id;
    if (!fanId || this.busy) return;
    this.busy = true;
    const result = await api.clearMinor(fanId);
    this.busy = false;
    if (!result.ok) this.threadError = fill(this.t.error, { e: result.message || result.code });
    else void this.loadPanel(fanId);
  }

  async markMinor() {
    if (!this.selectedId || this.busy) return;
    this.busy = true;
    const result = await api.markMinor(this.selectedId);
    this.busy = false;
    if (!result.ok) this.threadError = fill(this.t.error, { e: result.message || result.code });
    else if (this.panel) void this.loadPanel(this.panel.fan.id);
  }

  async conversationAction(action: 'assign' | 'escalate' | 'release' | 'resolve' | 'reopen') {
    if (!this.selectedId || this.busy) return;
    this.busy = true;
    const ack = await inboxActions[action]({ conversationId: this.selectedId });
    this.busy = false;
    if (!ack.ok) this.threadError = fill(this.t.error, { e: ack.error.message });
  }

  async saveFan(patch: { notes: string; tags: string[] }): Promise<string | null> {
    if (!this.panel) return null;
    const result = await api.updateFan(this.panel.fan.id, patch);
    if (!result.ok)
      return result.fields?.map((f) => `${f.path}: ${f.message}`).join('; ') || result.message || result.code;
    this.panel = { ...this.panel, fan: result.data };
    return null;
  }

  async cancelFollowUp(id: string) {
    const result = await api.cancelFollowUp(id);
    if (!result.ok) this.threadError = fill(this.t.error, { e: result.message || result.code });
    if (this.panel) void this.loadPanel(this.panel.fan.id);
  }

  async refreshConversation(id: string) {
    const result = await api.conversation(id);
    if (!result.ok) return;
    const c = result.data.conversation;
    if (id === this.selectedId) this.abilities = result.data.abilities;
    if (matchesFilters(c, this.filters, this.userId) || c.id === this.selectedId) {
      this.conversations = upsert(this.conversations, c);
    } else this.conversations = this.conversations.filter((x) => x.id !== c.id);
  }

  /** Keeps the state in step with the server's events; returns what stops listening. */
  listen(socket: InboxSocket): () => void {
    socket.on('message:new', (event) => {
      const result = applyMessage(this.conversations, event, { openId: this.selectedId });
      if (result.unknown) void this.refreshConversation(event.conversationId);
      else {
        const moved = result.list.find((c) => c.id === event.conversationId);
        this.conversations =
          moved && !matchesFilters(moved, this.filters, this.userId) && moved.id !== this.selectedId
            ? result.list.filter((c) => c.id !== moved.id)
            : result.list;
      }
      // A fan message landing in the open conversation is read as it arrives.
      if (event.conversationId === this.selectedId && event.message.direction === 'in') {
        void api.markRead(event.conversationId);
      }
      if (event.conversationId === this.selectedId && !this.messages.some((m) => m.id === event.message.id)) {
        this.messages = [...this.messages, event.message];
        this.outgoing = this.outgoing.filter((o) => o.messageId !== event.message.id);
      }
    });
    const delivery =
      (status: 'sent' | 'failed') =>
      (event: { conversationId: string; messageId: string; error?: string; text?: string }) => {
        if (event.conversationId !== this.selectedId) return;
        // `text`: what the fan received, when the hub added to it (the AI notice).
        this.messages = this.messages.map((m) =>
          m.id === event.messageId
            ? { ...m, status, error: event.error ?? null, ...(event.text ? { text: event.text } : {}) }
            : m,
        );
      };
    socket.on('message:sent', delivery('sent'));
    socket.on('message:failed', delivery('failed'));
    // The fan edited a message on the platform: the thread shows the new text, marked edited.
    socket.on('message:edited', (event) => {
      if (event.conversationId !== this.selectedId) return;
      this.messages = this.messages.map((m) =>
        m.id === event.messageId ? { ...m, text: event.text, editedAt: event.editedAt } : m,
      );
    });
    socket.on('message:intent', (event) => {
      if (event.conversationId !== this.selectedId) return;
      this.messages = this.messages.map((m) =>
        m.id === event.messageId ? { ...m, intent: event.intent } : m,
      );
    });
    socket.on('draft:start', (e) => this.dispatchDraft({ type: 'start', ...e }));
    socket.on('draft:token', (e) => this.dispatchDraft({ type: 'token', ...e }));
    socket.on('draft:done', (e) => this.dispatchDraft({ type: 'done', ...e }));
    socket.on('draft:superseded', (e) => this.dispatchDraft({ type: 'superseded', ...e }));
    // Approved or rejected elsewhere (another operator, the creator's phone): the card goes.
    socket.on('draft:decided', (e) =>
      this.dispatchDraft({ type: 'decided', draftId: e.draftId, status: e.status }),
    );
    socket.on('conversation:update', (event) => void this.refreshConversation(event.conversationId));
    // Sales events for the open conversation: the fan panel reloads its figures.
    const panelChanged = (event: { conversationId: string | null }) => {
      if (this.panel && event.conversationId === this.selectedId) void this.loadPanel(this.panel.fan.id);
    };
    socket.on('offer:update', panelChanged);
    socket.on('purchase:new', panelChanged);
    socket.on('purchase:refunded', panelChanged);
    socket.on('followup:update', panelChanged);
    return () => {
      for (const event of EVENTS) socket.off(event);
    };
  }
}

function toDraftStatus(status: string) {
  return status === 'drafting' || status === 'blocked' || status === 'superseded'
    ? status
    : 'pending_approval';
}

const key = Symbol('inbox-state');

/** Makes the page's inbox state available to the components below it. */
export function setInboxState(state: InboxState): InboxState {
  return setContext(key, state);
}

/** The inbox state of the page this component sits in. */
export function getInboxState(): InboxState {
  const state = getContext<InboxState | undefined>(key);
  if (!state) throw new Error('No inbox state: render this component inside the inbox page');
  return state;
}

/** The context map a component test renders with. */
export function inboxContext(state: InboxState): Map<symbol, InboxState> {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once at mount, never changed.
  return new Map([[key, state]]);
}
