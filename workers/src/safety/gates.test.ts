import { describe, expect, it } from 'vitest';
import { AGE_NO, AGE_YES, evaluateGates, type FanSafetyState, type GateInput } from './gates';

const now = new Date('2026-11-21T12:00:00Z');
const fresh: FanSafetyState = {
  ageVerifiedAt: null,
  optedOutAt: null,
  minorSignalAt: null,
  spamCooldownUntil: null,
  spamStrikes: 0,
  mutedAt: null,
};
const rules = {
  spam_cooldown: 300_000,
  spam_mute_after: 3,
  min_confidence: { minor_signal: 0.3, opt_out: 0.6, spam: 0.7, technical_issue: 0.6, complaint_refund: 0.6 },
  escalation: { technical_issue: true, complaint_refund: true, human_request: true, fallbacks: true },
};
const gate = (partial: Omit<Partial<GateInput>, 'fan'> & { fan?: Partial<FanSafetyState> }) =>
  evaluateGates({
    text: 'hello',
    kind: 'text',
    intent: 'greeting',
    confidence: 0.9,
    minor: 'none',
    platformVerifiesAge: false,
    now,
    rules,
    ...partial,
    fan: { ...fresh, ...partial.fan },
  });

describe('minor signal', () => {
  it('escalates, stops selling, alerts and answers neutrally once', () => {
    const first = gate({ intent: 'minor_signal', minor: 'clear', text: "j'ai 15 ans" });
    expect(first).toMatchObject({
      escalate: true,
      automated: false,
      selling: false,
      reply: 'minor_neutral',
      fan: { minorSignalAt: now },
    });
    expect(first.alert).toMatchObject({ kind: 'minor_signal', severity: 'critical' });
    const later = gate({ intent: 'pack_request_feet', fan: { minorSignalAt: now, ageVerifiedAt: now } });
    expect(later).toMatchObject({
      escalate: true,
      automated: false,
      selling: false,
      reasons: ['minor_signal'],
    });
    expect(later.reply).toBeUndefined();
    expect(later.alert).toBeUndefined();
  });

  it('treats “I am under 18” on the age button as a minor signal, even on a verified platform', () => {
    expect(gate({ kind: 'callback', text: AGE_NO, intent: 'other' })).toMatchObject({
      escalate: true,
      reply: 'minor_neutral',
    });
    expect(gate({ intent: 'minor_signal', minor: 'clear', platformVerifiesAge: true })).toMatchObject({
      selling: false,
      escalate: true,
    });
  });
});

describe('uncertain minor signal', () => {
  it('pauses automation and asks a person, without a word to the fan or a flag on them', () => {
    const decision = gate({ intent: 'pack_request_feet', minor: 'uncertain', fan: { ageVerifiedAt: now } });
    expect(decision).toMatchObject({
      escalate: true,
      automated: false,
      selling: false,
      reasons: ['minor_uncertain'],
      fan: {},
      alert: { kind: 'minor_uncertain', severity: 'warning' },
    });
    expect(decision.reply).toBeUndefined();
  });

  it('yields to a clear signal already on the fan', () => {
    expect(gate({ minor: 'uncertain', fan: { minorSignalAt: now } })).toMatchObject({
      reasons: ['minor_signal'],
      escalate: true,
    });
  });

  it('also escalates in a group, silently', () => {
    const decision = gate({ inGroup: true, minor: 'uncertain' });
    expect(decision).toMatchObject({ escalate: true, alert: { kind: 'minor_uncertain' } });
    expect(decision.reply).toBeUndefined();
  });
});

describe('opt-out', () => {
  it.each(['STOP', 'stop', 'Arrête', 'ARRET', 'unsubscribe', 'désabonne-moi'])(
    'honours %s and confirms once',
    (text) => {
      const decision = gate({ text, intent: 'other' });
      expect(decision).toMatchObject({
        automated: false,
        reply: 'opt_out_confirmed',
        fan: { optedOutAt: now },
      });
      expect(gate({ text, intent: 'other', fan: { optedOutAt: now } }).reply).toBeUndefined();
    },
  );

  it('does not mistake a sentence containing stop for an opt-out', () => {
    expect(gate({ text: "don't stop sending pics", intent: 'compliment' }).automated).toBe(true);
  });

  it('stays silent for an opted-out fan until they opt back in', () => {
    const out = { optedOutAt: now };
    expect(gate({ text: 'coucou', fan: out })).toMatchObject({ automated: false, reasons: ['opted_out'] });
    expect(gate({ text: 'START', fan: out })).toMatchObject({
      reply: 'opt_in_confirmed',
      fan: { optedOutAt: null },
    });
    expect(gate({ text: '/start', kind: 'command', command: 'start', fan: out }).fan.optedOutAt).toBeNull();
  });
});

describe('confidence', () => {
  it('does not silence a fan on an unsure opt-out or spam guess', () => {
    expect(gate({ intent: 'opt_out', confidence: 0.3, text: 'tu m’écris ?' })).toMatchObject({
      automated: true,
    });
    expect(gate({ intent: 'spam', confidence: 0.5 })).toMatchObject({ automated: true });
  });

  it('acts on the minor gate’s decision, not on the intent label or its confidence', () => {
    expect(gate({ intent: 'minor_signal', confidence: 0.99, minor: 'none' })).toMatchObject({
      escalate: false,
      automated: true,
    });
    expect(gate({ intent: 'greeting', minor: 'clear' })).toMatchObject({ escalate: true, selling: false });
  });
});

describe('spam', () => {
  it('sends one polite message, then cools down without any automated reply', () => {
    const first = gate({ intent: 'spam' });
    expect(first).toMatchObject({ reply: 'spam_cooldown', automated: false, fan: { spamStrikes: 1 } });
    expect(first.fan.spamCooldownUntil?.getTime()).toBe(now.getTime() + 300_000);
    const cooling = { spamCooldownUntil: new Date(now.getTime() + 60_000), spamStrikes: 1 };
    expect(gate({ intent: 'greeting', fan: cooling })).toMatchObject({
      automated: false,
      reasons: ['spam_cooldown'],
    });
    expect(
      gate({ intent: 'greeting', fan: { spamCooldownUntil: new Date(now.getTime() - 1), spamStrikes: 1 } })
        .automated,
    ).toBe(true);
  });

  it('mutes a repeat spammer', () => {
    const muted = gate({ intent: 'spam', fan: { spamStrikes: 2 } });
    expect(muted).toMatchObject({ reasons: ['spam_muted'], fan: { mutedAt: now, spamStrikes: 3 } });
    expect(muted.reply).toBeUndefined();
    expect(gate({ intent: 'greeting', fan: { mutedAt: now } })).toMatchObject({
      automated: false,
      reasons: ['muted'],
    });
  });
});

describe('age gate', () => {
  it('asks fans of platforms that do not verify age to confirm 18+ before any offer', () => {
    expect(gate({ intent: 'pack_request_feet' })).toMatchObject({
      reply: 'age_gate',
      automated: false,
      selling: false,
    });
    expect(gate({ kind: 'command', command: 'packs', intent: 'other' }).reply).toBe('age_gate');
    expect(gate({ intent: 'greeting' })).toMatchObject({
      automated: true,
      selling: false,
      reasons: ['age_unverified'],
    });
  });

  it('records the confirmation with time and method', () => {
    expect(gate({ kind: 'callback', text: AGE_YES, intent: 'other' })).toMatchObject({
      reply: 'age_confirmed',
      fan: { ageVerifiedAt: now, ageVerifiedMethod: 'button' },
    });
    expect(gate({ intent: 'pack_request_lingerie', fan: { ageVerifiedAt: now } })).toMatchObject({
      automated: true,
      selling: true,
    });
  });

  it.each([
    '18+',
    'oui 18+',
    "j'ai 18 ans",
    'J’ai plus de 18 ans 🙂',
    "yes I'm over 18",
    'I am 18 or older',
    '« 18+ »',
  ])('takes a typed %j as the confirmation where there is no button', (text) => {
    expect(gate({ text, intent: 'other' })).toMatchObject({
      reply: 'age_confirmed',
      fan: { ageVerifiedAt: now, ageVerifiedMethod: 'typed' },
    });
  });

  it.each([
    'bientôt 18',
    'presque 18 ans',
    "j'ai 17 ans",
    'pas 18',
    'oui',
    '18 ans demain',
    'I will be 18 soon',
    '180',
  ])('does not take %j for a confirmation', (text) => {
    expect(gate({ text, intent: 'other' }).fan.ageVerifiedAt).toBeUndefined();
  });

  it('never takes a typed answer the minor gate doubts', () => {
    expect(gate({ text: '18+', intent: 'other', minor: 'uncertain' }).fan.ageVerifiedAt).toBeUndefined();
  });

  it('counts fans of platforms that verify age as verified', () => {
    expect(gate({ platformVerifiesAge: true, intent: 'pack_request_nude' })).toMatchObject({
      automated: true,
      selling: true,
    });
    expect(gate({ platformVerifiesAge: true, intent: 'pricing_question' })).toMatchObject({
      automated: true,
      selling: true,
    });
  });
});

describe('group chats', () => {
  it('automates nothing in a group, not even the age gate, but still escalates a minor signal', () => {
    expect(gate({ inGroup: true, intent: 'pack_request_feet' })).toMatchObject({
      automated: false,
      selling: false,
      reasons: ['group_chat'],
    });
    expect(gate({ inGroup: true, intent: 'pack_request_feet' }).reply).toBeUndefined();
    const minor = gate({ inGroup: true, intent: 'minor_signal', minor: 'clear', confidence: 0.9 });
    expect(minor).toMatchObject({ escalate: true, selling: false, alert: { kind: 'minor_signal' } });
    expect(minor.reply).toBeUndefined();
  });
});

describe('escalation rules', () => {
  it.each([
    ['technical_issue', { intent: 'technical_issue', confidence: 0.9 }],
    ['complaint_refund', { intent: 'complaint_refund', confidence: 0.9 }],
    ['human_request', { intent: 'other', confidence: 0.5, humanRequest: true }],
  ] as const)('%s escalates, alerts and answers nothing automated', (reason, input) => {
    const decision = gate(input);
    expect(decision).toMatchObject({ escalate: true, escalationReason: reason, automated: false });
    expect(decision.reply).toBeUndefined();
    expect(decision.alert).toMatchObject({ kind: 'escalation', severity: 'warning' });
  });

  it('does not fire below the confidence bar, on other intents, or when the creator switched it off', () => {
    expect(gate({ intent: 'technical_issue', confidence: 0.4 }).escalate).toBe(false);
    expect(gate({ intent: 'greeting', confidence: 0.99 }).escalate).toBe(false);
    const off = {
      ...rules,
      escalation: { ...rules.escalation, complaint_refund: false, human_request: false },
    };
    expect(gate({ intent: 'complaint_refund', confidence: 0.99, rules: off }).escalate).toBe(false);
    expect(gate({ humanRequest: true, rules: off }).escalate).toBe(false);
  });

  it('leaves the earlier gates first: an opt-out is an opt-out, a minor a minor', () => {
    expect(gate({ text: 'STOP', intent: 'technical_issue', confidence: 0.9 }).reasons).toEqual(['opt_out']);
    expect(gate({ minor: 'clear', humanRequest: true }).escalationReason).toBe('minor_signal');
  });
});
