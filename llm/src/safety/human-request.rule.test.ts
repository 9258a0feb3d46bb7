import { describe, expect, it } from 'vitest';
import { detectHumanRequest } from './human-request.rule';

describe('detectHumanRequest', () => {
  it.each([
    'Je veux parler à un humain',
    "je voudrais parler à une vraie personne s'il te plaît",
    'passe-moi un responsable',
    "Est-ce que je peux parler à quelqu'un de l'équipe ?",
    "j'ai besoin d'un vrai humain là",
    'un humain svp',
    'une vraie personne ?',
    'je veux pas parler à un robot',
    'Can I talk to a real person?',
    'I want to speak with a human please',
    'get me a manager',
    'I need a real person',
    'human please',
    'a real person?',
    'is there a human there?',
    "I don't want to talk to a bot",
    'put me through to customer service',
  ])('asks for a person in %j', (text) => {
    expect(detectHumanRequest(text)).not.toBeNull();
  });

  it.each([
    'coucou ça va ?',
    'I need someone like you in my life 😍',
    'tu es une vraie personne ou une IA ? 😂',
    'are you a bot? lol',
    'no need to talk to a human, you are perfect',
    'pas besoin de parler à un humain, tout va bien',
    'je veux pas de responsable, tu es top',
    'Forwarded: "I want to talk to a human"',
    'my friend said "talk to a real person" haha',
    'personne ne me répond jamais aussi vite que toi',
    'you are so human, I love it',
    'I want your feet pack',
  ])('does not on %j', (text) => {
    expect(detectHumanRequest(text)).toBeNull();
  });
});
