import { describe, expect, it } from 'vitest';
import { detectOptOut } from './opt-out.rule';

describe('detectOptOut', () => {
  it.each([
    'STOP',
    'stop',
    'Stop.',
    'STOP 🛑',
    'stop!!',
    'stop stp',
    'stop, ça suffit',
    'stop it',
    'arrête',
    'ARRET',
    "Arrêtez de m'écrire svp",
    "ne m'écris plus",
    "merci de ne plus m'envoyer de messages",
    'désabonne-moi',
    'unsubscribe',
    'unsubscribe me please',
    'please stop texting me',
    'stop sending messages',
    'remove me from your list',
    'leave me alone',
    'laisse-moi tranquille',
    "don't message me again",
    'plus de messages merci',
    'supprimez mes données',
  ])('opts out on %j', (text) => {
    expect(detectOptOut(text)).not.toBeNull();
  });

  it.each([
    "don't stop",
    "don't stop sending pics like that 😍",
    'never stop posting',
    'arrête pas, t’es trop belle',
    "n'arrête jamais",
    'arrête tu me fais rougir 😳',
    "stop it you're too funny 😂",
    'stop 😂😂',
    'arrête mdr',
    'stop lying lol',
    "i can't stop looking at your last post",
    'the bus stop is right outside',
    "j'ai arrêté de fumer",
    'unstoppable 💪',
    '🛑',
    'Forwarded from Sam: "unsubscribe links never work lol"',
    'transféré : "stop aux idées reçues"',
    "don't message me before 5pm, i'm at work",
    '',
  ])('does not opt out on %j', (text) => {
    expect(detectOptOut(text)).toBeNull();
  });
});
