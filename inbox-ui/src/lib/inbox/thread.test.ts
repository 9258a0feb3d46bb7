import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../client';
import { reduceDraft, type DraftMap } from './draft';
import { inboxText } from './i18n';
import Thread from './Thread.svelte';

const conversation: Conversation = {
  id: 'c1',
  creatorId: 'k1',
  creatorName: 'Lola',
  accountId: 'a1',
  platform: 'telegram',
  status: 'bot',
  assignedTo: null,
  assigneeEmail: null,
  unreadCount: 0,
  lastMessageAt: '2026-01-01T00:00:00.000Z',
  waitingSince: null,
  fan: { id: 'f1', displayName: 'Fan', username: null, language: null },
  lastMessage: null,
};

const noop = () => {};
const props = (draft: DraftMap[string] | undefined) => ({
  t: inboxText.en,
  lang: 'en',
  conversation,
  messages: [],
  draft,
  outgoing: [],
  canAssign: true,
  canRelease: true,
  canCorrect: true,
  busy: false,
  error: '',
  onapprove: noop,
  onreject: noop,
  onsend: noop,
  onretryoutgoing: noop,
  onretrymessage: noop,
  onintent: noop,
  onassign: noop,
  onescalate: noop,
  onrelease: noop,
});

describe('thread draft card', () => {
  afterEach(cleanup);

  it('goes away when draft:decided says another device approved it', async () => {
    let drafts = reduceDraft(
      {},
      {
        type: 'loaded',
        conversationId: 'c1',
        draft: {
          draftId: 'd1',
          conversationId: 'c1',
          status: 'pending_approval',
          text: 'Coucou',
          reasons: [],
        },
      },
    );
    const view = render(Thread, { props: props(drafts.c1) });
    expect(screen.getByTestId('draft-text').textContent).toContain('Coucou');
    expect(screen.getByRole('button', { name: /Approve/ })).toBeTruthy();

    // The payload of `draft:decided`, as the inbox page dispatches it.
    drafts = reduceDraft(drafts, { type: 'decided', draftId: 'd1', status: 'approved' });
    await view.rerender(props(drafts.c1));
    expect(screen.queryByTestId('draft')).toBeNull();
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });
});
