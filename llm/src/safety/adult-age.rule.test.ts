import { describe, expect, it } from 'vitest';
import { detectAdultAge } from './adult-age.rule';

describe('detectAdultAge', () => {
  it.each([
    "j'ai 25 ans",
    'jai 19ans',
    "j'ai eu 18 ans la semaine dernière",
    '34 ans aujourd’hui',
    'je fête mes 40 ans samedi',
    "I'm 19",
    'im 25, you?',
    '22yo from texas',
    '18 years old',
    'just turned 21',
    'turning 40 on saturday',
    '27 m here',
    'im 18+ dont worry',
    'je suis majeur',
    'trentenaire et fier',
    'im eighteen',
  ])('finds the fan’s own adult age in %j', (text) => {
    expect(detectAdultAge(text)).not.toBeNull();
  });

  it.each([
    "j'ai 16 ans",
    'ma mère a 70 ans',
    "quand j'avais 20 ans",
    '25 ans de mariage',
    "j'ai 18 ans dans 2 mois",
    "i'm 25 minutes away",
    "i'm 18 next month",
    'my 20 year old car',
    'je suis pas majeur',
    'bientôt 18 ans',
  ])('finds none in %j', (text) => {
    expect(detectAdultAge(text)).toBeNull();
  });
});
