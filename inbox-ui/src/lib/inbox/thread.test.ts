import { cleanup, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../lang.svelte';
import { reduceDraft } from './draft';
import { InboxState, inboxContext } from './inbox-state.svelte';
import Thread from './Thread.svelte';
import { conversationFixture } from './test-fixtures';

const conversation = conversationFixture;

describe('thread draft card', () => {
  afterEach(cleanup);

  it('goes away when draft:decided says another device approved it', async () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    inbox.drafts = reduceDraft(
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
    render(Thread, { props: { conversation }, context: inboxContext(inbox) });
    expect(screen.getByTestId('draft-text').textContent).toContain('Coucou');
    expect(screen.getByRole('button', { name: /Approve/ })).toBeTruthy();

    // The payload of `draft:decided`, as the inbox page dispatches it.
    inbox.dispatchDraft({ type: 'decided', draftId: 'd1', status: 'approved' });
    flushSync();
    expect(screen.queryByTestId('draft')).toBeNull();
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });

  it('says in words what the fan did: a button press, an intent, a held draft', () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    const at = '2026-01-01T00:00:00.000Z';
    inbox.messages = [
      {
        id: 'm1',
        direction: 'in',
        sender: 'fan',
        text: 'age:yes',
        intent: 'other',
        event: { kind: 'button', action: 'age_confirmed' },
        createdAt: at,
      },
      {
        id: 'm2',
        direction: 'in',
        sender: 'fan',
        text: 'send me the feet pack',
        intent: 'pack_request_feet',
        createdAt: at,
      },
    ];
    inbox.drafts = reduceDraft(
      {},
      {
        type: 'loaded',
        conversationId: 'c1',
        draft: {
          draftId: 'd2',
          conversationId: 'c1',
          status: 'blocked',
          text: 'Call me',
          reasons: ['contact_details'],
          intent: 'pack_request_feet',
          preview: {
            disclosure: 'Some replies are written with AI help.',
            offer: { pack: 'Feet pack', amountCents: 1500, currency: 'EUR', how: 'checkout_link' },
          },
        },
      },
    );
    render(Thread, { props: { conversation }, context: inboxContext(inbox) });
    expect(screen.getByText('✓ Confirmed 18+')).toBeTruthy();
    expect(screen.queryByText('age:yes')).toBeNull();
    expect(screen.getAllByTestId('message-intent').map((e) => e.textContent?.trim())).toContain(
      'asked for the feet pack',
    );
    expect(screen.getByTestId('hold-reasons').textContent).toContain('gives contact details');
    // What goes out with it, before anyone approves.
    expect(screen.getByTestId('draft-disclosure').textContent).toContain(
      'Some replies are written with AI help.',
    );
    expect(screen.getByTestId('draft-offer').textContent).toContain('Feet pack, €15.00 (a checkout link)');
    // Held: no approve shortcut button, an explicit "send anyway" instead.
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Send anyway' })).toBeTruthy();
  });

  it('offers the creator’s team to someone who may assign others', () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    inbox.abilities = {
      reply: true,
      assign: true,
      assignOthers: true,
      escalate: true,
      release: true,
      resolve: true,
      markMinor: true,
      clearMinor: false,
      correctIntent: true,
    };
    inbox.team = [
      { id: 'u1', email: 'lead@agency.test', role: 'manager' },
      { id: 'u2', email: 'chat@agency.test', role: 'chatter' },
    ];
    render(Thread, { props: { conversation }, context: inboxContext(inbox) });
    const select = screen.getByLabelText('Assign to') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Assign to…',
      'lead@agency.test',
      'chat@agency.test',
    ]);
  });

  const everything = {
    reply: true,
    assign: true,
    assignOthers: false,
    escalate: true,
    release: true,
    resolve: true,
    markMinor: true,
    clearMinor: false,
    correctIntent: true,
  };

  it('offers resolve and snooze on an open conversation, reopen on a resolved one', () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    inbox.abilities = everything;
    const open = render(Thread, { props: { conversation }, context: inboxContext(inbox) });
    expect(screen.getByRole('button', { name: '✓ Resolve' })).toBeTruthy();
    const snooze = screen.getByLabelText('Snooze') as HTMLSelectElement;
    expect([...snooze.options].map((o) => o.textContent)).toEqual([
      'Snooze…',
      '1 hour',
      '3 hours',
      'Tomorrow 9:00',
      'Monday 9:00',
    ]);
    expect(screen.queryByRole('button', { name: 'Reopen' })).toBeNull();
    open.unmount();

    render(Thread, {
      props: { conversation: { ...conversation, status: 'closed', resolvedAt: '2026-01-01T01:00:00.000Z' } },
      context: inboxContext(inbox),
    });
    expect(screen.getByTestId('thread-status').textContent).toBe('Resolved');
    expect(screen.getByRole('button', { name: 'Reopen' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '✓ Resolve' })).toBeNull();
    expect(screen.queryByLabelText('Snooze')).toBeNull();
  });

  it('says until when a conversation is snoozed', () => {
    locale.lang = 'en';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    inbox.abilities = everything;
    const until = new Date(Date.now() + 3600_000).toISOString();
    render(Thread, {
      props: { conversation: { ...conversation, snoozedUntil: until } },
      context: inboxContext(inbox),
    });
    expect(screen.getByTestId('thread-snoozed').textContent).toMatch(/^Snoozed until /);
    expect(screen.getByRole('button', { name: 'Reopen' })).toBeTruthy();
  });

  it('explains an escalated conversation and lets a person say the fan is under 18', () => {
    locale.lang = 'fr';
    const inbox = new InboxState();
    inbox.selectedId = 'c1';
    inbox.abilities = everything;
    render(Thread, {
      props: { conversation: { ...conversation, status: 'escalated' } },
      context: inboxContext(inbox),
    });
    expect(screen.getByTestId('escalated-banner').textContent).toContain('l’IA est en pause');
    expect(screen.getByRole('button', { name: 'Le fan a moins de 18 ans' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Rendre au bot' })).toBeTruthy();
  });

  it('offers "clear" on a fan flagged under 18 only to whoever may clear it (admins)', () => {
    locale.lang = 'en';
    const flagged = (clearMinor: boolean) => {
      const inbox = new InboxState();
      inbox.selectedId = 'c1';
      inbox.abilities = { ...everything, clearMinor };
      inbox.panel = {
        fan: {
          id: 'f1',
          displayName: 'Lou',
          username: null,
          language: 'fr',
          platform: 'telegram',
          subscriptionLevel: null,
          lifetimeSpend: { cents: 0, currency: 'EUR' },
          purchaseCount: 0,
          lastPurchaseAt: null,
          profile: {},
          notes: '',
          tags: [],
          ageVerifiedAt: null,
          ageVerifiedMethod: null,
          minorSignalAt: '2026-01-01T00:00:00.000Z',
          optedOutAt: null,
          disclosedAt: null,
          mutedAt: null,
        },
        purchases: [],
        openOffers: [],
        followUps: [],
      };
      return render(Thread, {
        props: { conversation: { ...conversation, status: 'escalated' } },
        context: inboxContext(inbox),
      });
    };
    const admin = flagged(true);
    expect(screen.getByTestId('escalated-banner').textContent).toContain('Marked under 18');
    expect(screen.getByRole('button', { name: 'Clear: not a minor' })).toBeTruthy();
    admin.unmount();
    flagged(false);
    expect(screen.queryByRole('button', { name: 'Clear: not a minor' })).toBeNull();
  });
});
