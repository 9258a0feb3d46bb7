import { describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../client';
import { applyMessage, matchesFilters, upsert } from './conversations';
import { snoozeUntil } from './snooze';
import { isActionable, reduceDraft, type DraftMap } from './draft';
import { sendOutgoing, type Outgoing } from './outgoing';
import { visibleRange } from './virtual';

const conv = (id: string, at: string, extra: Partial<Conversation> = {}): Conversation => ({
  id,
  creatorId: 'c1',
  creatorName: 'Lola',
  accountId: 'a1',
  platform: 'telegram',
  status: 'bot',
  assignedTo: null,
  assigneeEmail: null,
  unreadCount: 0,
  lastMessageAt: at,
  waitingSince: null,
  fan: { id: `f-${id}`, displayName: `Fan ${id}`, username: null, language: null },
  lastMessage: null,
  ...extra,
});

describe('virtual list window', () => {
  it('renders only the rows in view plus overscan, at any depth of a 5,000-row list', () => {
    expect(visibleRange(0, 760, 76, 5000, 6)).toEqual({ start: 0, end: 17 });
    const deep = visibleRange(76 * 4000, 760, 76, 5000, 6);
    expect(deep).toEqual({ start: 3994, end: 4017 });
    expect(visibleRange(76 * 5000, 760, 76, 5000, 6).end).toBe(5000);
    expect(visibleRange(0, 760, 76, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe('conversation ordering', () => {
  it('moves a conversation to the top on a new fan message and counts it unread unless open', () => {
    const list = [conv('b', '2026-01-02T00:00:00.000Z'), conv('a', '2026-01-01T00:00:00.000Z')];
    const event = {
      conversationId: 'a',
      creatorId: 'c1',
      message: {
        id: 'm1',
        direction: 'in' as const,
        sender: 'fan',
        text: 'hi',
        createdAt: '2026-01-03T00:00:00.000Z',
      },
    };
    const { list: moved, unknown } = applyMessage(list, event, { openId: null });
    expect(unknown).toBe(false);
    expect(moved.map((c) => c.id)).toEqual(['a', 'b']);
    expect(moved[0]).toMatchObject({
      unreadCount: 1,
      waitingSince: '2026-01-03T00:00:00.000Z',
      lastMessage: { text: 'hi' },
    });
    expect(applyMessage(list, event, { openId: 'a' }).list[0]!.unreadCount).toBe(0);
    expect(applyMessage(list, { ...event, conversationId: 'zzz' }, {}).unknown).toBe(true);
    // The same message pushed again (a redelivery after a hub died) is not counted twice.
    expect(applyMessage(moved, event, { openId: null }).list[0]!.unreadCount).toBe(1);
  });

  it('an outbound reply clears the wait', () => {
    const list = [
      conv('a', '2026-01-01T00:00:00.000Z', { waitingSince: '2026-01-01T00:00:00.000Z', unreadCount: 2 }),
    ];
    const out = {
      conversationId: 'a',
      creatorId: 'c1',
      message: {
        id: 'm2',
        direction: 'out' as const,
        sender: 'human',
        text: 'yo',
        createdAt: '2026-01-01T00:01:00.000Z',
      },
    };
    expect(applyMessage(list, out, {}).list[0]).toMatchObject({ waitingSince: null, unreadCount: 0 });
  });

  it('keeps the keyset order on upsert, ties broken by id', () => {
    const list = [conv('c', '2026-01-03T00:00:00.000Z'), conv('a', '2026-01-01T00:00:00.000Z')];
    expect(upsert(list, conv('b', '2026-01-02T00:00:00.000Z')).map((c) => c.id)).toEqual(['c', 'b', 'a']);
    expect(upsert(list, conv('d', '2026-01-03T00:00:00.000Z')).map((c) => c.id)).toEqual(['d', 'c', 'a']);
  });

  it('filters as the server does', () => {
    const c = conv('a', '2026-01-01T00:00:00.000Z', { assignedTo: 'u1', unreadCount: 0, status: 'human' });
    expect(matchesFilters(c, { assigned: 'me' }, 'u1')).toBe(true);
    expect(matchesFilters(c, { assigned: 'me' }, 'u2')).toBe(false);
    expect(matchesFilters(c, { unread: true }, 'u1')).toBe(false);
    expect(matchesFilters(c, { status: 'bot' }, 'u1')).toBe(false);
    expect(matchesFilters(c, { q: 'fan A' }, 'u1')).toBe(true);
    expect(matchesFilters(c, { platform: 'discord' }, 'u1')).toBe(false);
  });

  it('puts a conversation in the open, snoozed or resolved list as the server does', () => {
    const now = Date.parse('2026-01-02T12:00:00.000Z');
    const at = '2026-01-01T00:00:00.000Z';
    const open = conv('a', at);
    const snoozed = conv('b', at, { snoozedUntil: '2026-01-02T13:00:00.000Z' });
    const woke = conv('c', at, { snoozedUntil: '2026-01-02T11:00:00.000Z' });
    const resolved = conv('d', at, { status: 'closed', resolvedAt: at });
    const view = (v: 'open' | 'snoozed' | 'resolved') =>
      [open, snoozed, woke, resolved]
        .filter((c) => matchesFilters(c, { view: v }, 'u1', now))
        .map((c) => c.id);
    expect(view('open')).toEqual(['a', 'c']);
    expect(view('snoozed')).toEqual(['b']);
    expect(view('resolved')).toEqual(['d']);
  });
});

describe('draft streaming reducer', () => {
  it('streams tokens in place, then the final text wins', () => {
    let map: DraftMap = {};
    map = reduceDraft(map, { type: 'start', draftId: 'd1', conversationId: 'c1', model: 'm' });
    map = reduceDraft(map, { type: 'token', draftId: 'd1', text: 'Hel' });
    map = reduceDraft(map, { type: 'token', draftId: 'd1', text: 'lo' });
    expect(map.c1).toMatchObject({ status: 'drafting', text: 'Hello' });
    map = reduceDraft(map, { type: 'token', draftId: 'unknown', text: 'x' });
    expect(map.c1!.text).toBe('Hello');
    map = reduceDraft(map, {
      type: 'done',
      draftId: 'd1',
      conversationId: 'c1',
      text: 'Hello there',
      intent: 'greeting',
      status: 'pending_approval',
    });
    expect(map.c1).toMatchObject({ status: 'pending_approval', text: 'Hello there', intent: 'greeting' });
    map = reduceDraft(map, { type: 'decided', draftId: 'd1', status: 'approved' });
    expect(map.c1!.status).toBe('approved');
  });

  it('a superseded draft stops, and a late done of the old draft does not overwrite the new one', () => {
    let map: DraftMap = {};
    map = reduceDraft(map, { type: 'start', draftId: 'd1', conversationId: 'c1', model: 'm' });
    map = reduceDraft(map, { type: 'superseded', draftId: 'd1', conversationId: 'c1' });
    expect(map.c1!.status).toBe('superseded');
    map = reduceDraft(map, { type: 'start', draftId: 'd2', conversationId: 'c1', model: 'm' });
    map = reduceDraft(map, { type: 'token', draftId: 'd2', text: 'new' });
    map = reduceDraft(map, {
      type: 'done',
      draftId: 'd1',
      conversationId: 'c1',
      text: 'old',
      intent: 'other',
      status: 'pending_approval',
    });
    expect(map.c1).toMatchObject({ draftId: 'd2', text: 'new', status: 'drafting' });
  });
});

describe('a draft decided on another device', () => {
  const pending = (): DraftMap =>
    reduceDraft(
      {},
      {
        type: 'loaded',
        conversationId: 'c1',
        draft: { draftId: 'd1', conversationId: 'c1', status: 'pending_approval', text: 'Hi', reasons: [] },
      },
    );

  it('closes the pending card, whichever decision it was', () => {
    for (const status of ['approved', 'rejected'] as const) {
      const map = reduceDraft(pending(), { type: 'decided', draftId: 'd1', status });
      expect(map.c1).toMatchObject({ draftId: 'd1', status, text: 'Hi' });
      expect(isActionable(map.c1)).toBe(false);
    }
  });

  it('leaves a newer draft of the same conversation alone, and ignores drafts never seen', () => {
    let map = pending();
    map = reduceDraft(map, { type: 'start', draftId: 'd2', conversationId: 'c1', model: 'm' });
    map = reduceDraft(map, { type: 'decided', draftId: 'd1', status: 'rejected' });
    expect(map.c1).toMatchObject({ draftId: 'd2', status: 'drafting' });
    expect(reduceDraft(map, { type: 'decided', draftId: 'elsewhere', status: 'approved' })).toBe(map);
  });
});

describe('composer retry', () => {
  it('keeps the text and the same clientMessageId across a failure and its retry', async () => {
    const item: Outgoing = {
      clientMessageId: 'cid-123456',
      conversationId: 'c1',
      text: 'hello',
      state: 'sending',
    };
    const states: Outgoing[] = [];
    const send = vi
      .fn()
      .mockResolvedValueOnce({ ok: false, error: { code: 'timeout', message: 'No answer' } })
      .mockResolvedValueOnce({ ok: true, messageId: 'm1' });
    const failed = await sendOutgoing(item, send, (s) => states.push(s));
    expect(failed).toMatchObject({ state: 'failed', text: 'hello', error: 'No answer' });
    const sent = await sendOutgoing(failed, send, (s) => states.push(s));
    expect(sent.messageId).toBe('m1');
    expect(send.mock.calls.map((c) => c[0].clientMessageId)).toEqual(['cid-123456', 'cid-123456']);
    expect(states.map((s) => s.state)).toEqual(['sending', 'failed', 'sending', 'sending']);
  });
});

describe('snooze choices', () => {
  it('ends in an hour, tomorrow morning or next Monday morning, in local time', () => {
    const wednesday = new Date(2026, 0, 7, 22, 30);
    expect(snoozeUntil('hour', wednesday)).toEqual(new Date(2026, 0, 7, 23, 30));
    expect(snoozeUntil('threeHours', wednesday)).toEqual(new Date(2026, 0, 8, 1, 30));
    expect(snoozeUntil('tomorrow', wednesday)).toEqual(new Date(2026, 0, 8, 9, 0));
    expect(snoozeUntil('nextWeek', wednesday)).toEqual(new Date(2026, 0, 12, 9, 0));
    expect(snoozeUntil('nextWeek', new Date(2026, 0, 12, 8, 0))).toEqual(new Date(2026, 0, 19, 9, 0));
    expect(snoozeUntil('someday', wednesday)).toBeUndefined();
  });
});
