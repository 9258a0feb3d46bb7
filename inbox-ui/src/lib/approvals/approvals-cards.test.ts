import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { approvalsText } from './approvals-i18n';
import {
  draftIdFromHash,
  formatDuration,
  formatMoney,
  isoWithOffset,
  removeCard,
  replaceCards,
  upsertCard,
  type ApprovalCard,
} from './cards';

const approveDraft = vi.fn();
const rejectDraft = vi.fn();
vi.mock('$lib/socket.svelte', () => ({ inboxActions: { approveDraft, rejectDraft } }));
const { default: ApprovalCardView } = await import('./ApprovalCard.svelte');

const ID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const card = (n: number, waitingSince: string, extra: Partial<ApprovalCard> = {}): ApprovalCard => ({
  id: ID(n),
  conversationId: `c${n}`,
  creatorId: 'k1',
  creatorName: 'lola_star',
  platform: 'telegram',
  fanName: `Fan ${n}`,
  fanMessages: [{ id: `m${n}`, text: `hello ${n}`, createdAt: waitingSince }],
  text: `draft ${n}`,
  intent: 'greeting',
  status: 'pending_approval',
  reasons: [],
  createdAt: waitingSince,
  waitingSince,
  ageSeconds: 0,
  ...extra,
});

describe('approval card list', () => {
  it('keeps the longest wait first as drafts arrive, and drops decided ones', () => {
    let cards = replaceCards([card(2, '2026-01-01T10:02:00Z'), card(1, '2026-01-01T10:01:00Z')]);
    expect(cards.map((c) => c.id)).toEqual([ID(1), ID(2)]);
    cards = upsertCard(cards, card(3, '2026-01-01T10:00:30Z'));
    expect(cards.map((c) => c.id)).toEqual([ID(3), ID(1), ID(2)]);
    // A refetch of a card already shown replaces it, never duplicates it.
    cards = upsertCard(cards, card(1, '2026-01-01T10:01:00Z', { text: 'newer text' }));
    expect(cards).toHaveLength(3);
    expect(cards.find((c) => c.id === ID(1))!.text).toBe('newer text');
    // Decided between the event and the refetch: it does not come back.
    cards = upsertCard(cards, card(2, '2026-01-01T10:02:00Z', { status: 'approved' }));
    expect(cards.map((c) => c.id)).toEqual([ID(3), ID(1)]);
    cards = removeCard(cards, ID(3));
    expect(cards.map((c) => c.id)).toEqual([ID(1)]);
    expect(removeCard(cards, ID(9))).toEqual(cards);
  });

  it('reads the card a notification opens from the URL hash', () => {
    expect(draftIdFromHash(`#draft-${ID(4).toUpperCase()}`)).toBe(ID(4));
    expect(draftIdFromHash('#draft-<img>')).toBeNull();
    expect(draftIdFromHash('')).toBeNull();
  });

  it('formats waits, money and the local start of day for a phone', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(185_000)).toBe('3 min');
    expect(formatDuration(3_900_000)).toBe('1 h 05');
    expect(formatDuration(3 * 86_400_000)).toBe('3 d');
    expect(formatMoney(1500, 'EUR', 'en')).toBe('€15.00');
    expect(formatMoney(1500, 'EUR', 'fr').replace(/\s/g, ' ')).toBe('15,00 €');
    expect(isoWithOffset(new Date(2026, 0, 2, 0, 0, 0))).toMatch(/^2026-01-02T00:00:00[+-]\d\d:\d\d$/);
  });
});

describe('approval card', () => {
  afterEach(() => {
    cleanup();
    vi.clearAllMocks();
  });

  it('keeps an edited reply when sending fails, and sends exactly that text on retry', async () => {
    const onGone = vi.fn();
    approveDraft.mockResolvedValueOnce({ ok: false, error: { code: 'offline', message: 'Not connected' } });
    render(ApprovalCardView, {
      props: {
        card: card(1, new Date().toISOString()),
        t: approvalsText.en,
        lang: 'en',
        now: Date.now(),
        onGone,
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const box = screen.getByLabelText('Your reply') as HTMLTextAreaElement;
    expect(box.value).toBe('draft 1');
    await fireEvent.input(box, { target: { value: 'my own words' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send edited reply' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('You are offline'),
    );
    expect((screen.getByLabelText('Your reply') as HTMLTextAreaElement).value).toBe('my own words');
    expect(onGone).not.toHaveBeenCalled();

    approveDraft.mockResolvedValueOnce({ ok: true, messageId: 'm' });
    await fireEvent.click(screen.getByRole('button', { name: 'Send edited reply' }));
    expect(approveDraft).toHaveBeenLastCalledWith({ draftId: ID(1), text: 'my own words' });
    await vi.waitFor(() => expect(onGone).toHaveBeenCalledWith(ID(1)));
  });

  it('lets go of a draft someone else already decided', async () => {
    const onGone = vi.fn();
    rejectDraft.mockResolvedValueOnce({ ok: false, error: { code: 'conflict', message: 'decided' } });
    render(ApprovalCardView, {
      props: {
        card: card(2, new Date().toISOString()),
        t: approvalsText.fr,
        lang: 'fr',
        now: Date.now(),
        onGone,
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Refuser' }));
    await vi.waitFor(() => expect(onGone).toHaveBeenCalledWith(ID(2), approvalsText.fr.alreadyDecided));
  });

  it('shows a held draft’s reasons in words and offers “send anyway”, never a plain approve', async () => {
    const onGone = vi.fn();
    const held = card(4, new Date().toISOString(), {
      status: 'blocked',
      reasons: ['contact_details', 'meeting'],
    });
    render(ApprovalCardView, {
      props: { card: held, t: approvalsText.en, lang: 'en', now: Date.now(), onGone },
    });
    expect(screen.getByText('Held by the checks')).toBeTruthy();
    expect(screen.getByText('gives contact details (phone, email or another app)')).toBeTruthy();
    expect(screen.getByText('suggests meeting in person')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();

    approveDraft.mockResolvedValueOnce({ ok: true, messageId: 'm' });
    await fireEvent.click(screen.getByRole('button', { name: 'Send anyway' }));
    expect(approveDraft).toHaveBeenLastCalledWith({ draftId: ID(4), sendAnyway: true });
    await vi.waitFor(() => expect(onGone).toHaveBeenCalledWith(ID(4)));
  });

  it('keeps held drafts in the list: they wait for a person too', () => {
    const cards = upsertCard(
      [],
      card(5, '2026-01-01T10:00:00Z', { status: 'blocked', reasons: ['meeting'] }),
    );
    expect(cards.map((c) => c.id)).toEqual([ID(5)]);
  });

  it('renders fan text as text', () => {
    const hostile = card(3, new Date().toISOString(), {
      fanName: '<img src=x onerror=alert(1)>',
      fanMessages: [{ id: 'm', text: '<b id="bold">hi</b>', createdAt: new Date().toISOString() }],
    });
    const view = render(ApprovalCardView, {
      props: { card: hostile, t: approvalsText.en, lang: 'en', now: Date.now(), onGone: vi.fn() },
    });
    expect(view.container.querySelector('#bold')).toBeNull();
    expect(view.container.querySelector('img')).toBeNull();
    expect(screen.getByText('<b id="bold">hi</b>')).toBeTruthy();
  });
});
