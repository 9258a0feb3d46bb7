import { describe, expect, it } from 'vitest';
import { detectMinorSignal } from './minor-signal.rule';

describe('detectMinorSignal', () => {
  it.each([
    // Stated ages, digits and words, both languages.
    "j'ai 15 ans",
    'jai quinze ans',
    "j'ai 16 ans et toi ?",
    'jai 17ans',
    "j'ai dix-sept ans",
    'moi c’est Léo, 15 ans',
    "t'as quel âge ? moi 16",
    'je vais avoir 16 ans',
    "i'm 16",
    'im fourteen',
    'I’m only 15 lol',
    '16yo',
    '16 y/o',
    'fifteen yo',
    'i just turned 16',
    "i'll be 17 next month",
    '15 m here',
    // Not an adult yet.
    'je suis mineur',
    'je suis une mineure',
    'je suis pas encore majeur',
    "j'ai pas 18 ans",
    "i'm underage",
    'not 18 yet',
    "i'm not even 18",
    "i'm a minor",
    'i turn 18 next year',
    "j'aurai 18 ans l'année prochaine",
    // School levels.
    'je suis au collège',
    'jsuis au lycée',
    'je suis en 3ème',
    'jsuis en 4eme',
    'je suis en seconde',
    'en 2nde',
    'je suis en 1ère',
    'je suis en 4e',
    'je passe le brevet',
    "demain j'ai bac blanc",
    "i'm in high school",
    '10th grade here',
    "i'm in middle school",
    "i'm a sophomore",
    'freshman in high school',
    'i still go to high school',
    // Almost there, and introductions.
    "j'ai presque 18 ans",
    'bientôt 18 ans !',
    "i'm almost 18",
    "i'm turning sixteen next week",
    'hey im jake, 17',
    // Found by a second, fresh probe.
    '16 ici',
    'im a 15 year old',
    'im in year 10',
    'doing my GCSEs this year',
    // Parents.
    "j'ai utilisé la carte de ma mère",
    'je peux payer avec la cb de mon père ?',
    "i used my mom's card",
    "can i pay with my dad's credit card",
    'my parents will kill me',
    'mes parents vont me tuer',
    'ma mère sait pas que je suis là',
    'my mom checks my phone',
  ])('fires on %j', (text) => {
    expect(detectMinorSignal(text)).not.toBeNull();
  });

  it.each([
    "j'ai 25 ans",
    "I'm 19",
    "i'm 18 btw",
    'my 15 year old cat',
    'we finished in 10th place',
    "it's 16h",
    '16h',
    '25 ans',
    "j'ai 16 photos",
    "i'm 16 minutes away",
    'mon chat a 15 ans',
    'ma fille a 16 ans',
    "quand j'avais 16 ans j'étais timide",
    'when i was 16 i was shy',
    '16 ans de mariage',
    'my son is in 10th grade',
    'my daughter is in high school',
    'mon neveu est au collège',
    'je travaille au lycée comme surveillant',
    'i work as a high school teacher',
    'i teach middle school math',
    'je suis majeur et vacciné',
    'je suis pas mineur',
    'le pack de 15 photos c’est combien',
    'i paid with my card',
    'ma carte est refusée',
    'that was a minor issue',
    "j'ai fini 3ème au tournoi",
    // Teachers, parents, the past, and numbers that are not ages.
    'je suis prof de maths en 3ème',
    "j'enseigne en 3ème et en seconde",
    'mes élèves de 4ème passent le brevet blanc demain',
    'mon fils est en 3ème',
    'i teach 9th grade english',
    'grade 10 teacher here',
    'my middle school kid needs a ride',
    "on s'est vus au lycée il y a 20 ans",
    "j'ai raté mon brevet y a 20 ans",
    'sweet sixteen party for my niece',
    "j'ai 17 ans d'ancienneté",
    "i'm 17 stone lol",
    'im a college sophomore lol',
    'je suis en seconde position dans la file',
    'en 2nde main c’est moins cher ?',
    "i'm a minor league baseball fan",
    'bientôt 18 ans de mariage',
    "je suis parent d'élève au collège",
    'i was a sophomore when i met my wife',
    "quand j'étais au lycée j'étais timide",
    'je suis arrivé en 1er',
    'arrivé en 2ème position',
    'je les veux en 2 de chaque',
  ])('does not fire on %j', (text) => {
    expect(detectMinorSignal(text)).toBeNull();
  });

  it('names the rule family that fired', () => {
    expect(detectMinorSignal("j'ai 16 ans")?.rule).toBe('age');
    expect(detectMinorSignal('je suis en 3ème')?.rule).toBe('school');
    expect(detectMinorSignal("my mom's card")?.rule).toBe('parents');
    expect(detectMinorSignal('not 18 yet')?.rule).toBe('not_adult');
  });

  it('calls parents who must not know, or their card, a weak signal: adults say it too', () => {
    expect(detectMinorSignal('my mom checks my phone')?.strength).toBe('weak');
    expect(detectMinorSignal("j'ai utilisé la carte de ma mère")?.strength).toBe('weak');
    expect(detectMinorSignal("j'ai 16 ans")?.strength).toBe('clear');
    // A clear match anywhere wins over a weak one found first.
    expect(detectMinorSignal("mes parents vont me tuer, j'ai 15 ans")).toMatchObject({
      rule: 'age',
      strength: 'clear',
    });
  });

  it('looks past a guarded mention to a later one', () => {
    expect(detectMinorSignal("mon fils a 16 ans et moi j'ai 15 ans")).not.toBeNull();
  });

  it('ignores empty text', () => {
    expect(detectMinorSignal('')).toBeNull();
    expect(detectMinorSignal('   ')).toBeNull();
  });
});
