import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../client';
import { locale } from '../lang.svelte';
import ConversationList from './ConversationList.svelte';
import { applyMessage } from './conversations';
import { InboxState, inboxContext } from './inbox-state.svelte';
import { conversationFixture } from './test-fixtures';

const base: Conversation = {
  ...conversationFixture,
  fan: { ...conversationFixture.fan, displayName: 'Jo' },
  lastMessage: { text: 'salut', direction: 'in', sender: 'fan' },
};

describe('conversation list rows', () => {
  afterEach(cleanup);

  it('say a button press in words, live and from the server, never its data', () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.loadingList = false;
    // Live: the press arrives as message:new with its event.
    const { list } = applyMessage(
      [base],
      {
        conversationId: 'c1',
        creatorId: 'k1',
        message: {
          id: 'm2',
          direction: 'in',
          sender: 'fan',
          text: 'age:yes',
          event: { kind: 'button', action: 'age_confirmed' },
          createdAt: '2026-01-01T00:01:00.000Z',
        },
      },
      {},
    );
    inbox.conversations = [
      ...list,
      // From the server: a tip as the last message of another conversation.
      {
        ...base,
        id: 'c2',
        lastMessage: {
          text: '',
          direction: 'in',
          sender: 'fan',
          event: { kind: 'tip', amountCents: 500, currency: 'EUR' },
        },
      },
    ];
    render(ConversationList, { context: inboxContext(inbox) });
    const rows = screen.getAllByTestId('last-message').map((el) => el.textContent?.trim());
    expect(rows).toEqual(['✓ Confirmed 18+', '💝 Tipped €5.00']);
    expect(screen.queryByText('age:yes')).toBeNull();
  });
});
