import type { VelvetConfig } from '@velvet/shared';
import type { ChatMessage } from '../ollama/ollama.types';

export interface PromptInput {
  config: Pick<VelvetConfig, 'prompts' | 'drafting'>;
  creator: { pseudonym: string; persona: string; constraints: string[] };
  fanName: string;
  lang: 'fr' | 'en' | 'other';
  /** Oldest first; `fan` lines are the fan's, the rest the creator's side. */
  history: { from: 'fan' | 'creator'; text: string }[];
  instruction: string;
  /** Catalog facts the reply may use; empty when selling is not allowed. */
  offerFacts: string[];
  /** What is known of the fan (renderFanContext), placed before the thread; empty for none. */
  fanContext?: string;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/** System prompt (persona and rules) + context (thread) + the intent's instruction. */
export function renderPrompt(input: PromptInput): ChatMessage[] {
  const { config, creator } = input;
  const system = fill(config.prompts.system_fr, {
    pseudonym: creator.pseudonym,
    persona: creator.persona || '—',
    constraints: creator.constraints.length ? creator.constraints.join(' ; ') : 'aucune',
  });
  const history = input.history
    .map((line) => `${line.from === 'fan' ? input.fanName || 'Fan' : creator.pseudonym}: ${line.text}`)
    .join('\n');
  const context = fill(config.prompts.context_fr, {
    fan: input.fanName || 'un fan',
    history,
    lang: input.lang === 'en' ? 'anglais' : 'français',
  });
  const facts = input.offerFacts.length
    ? `\nCatalogue (seuls prix autorisés) :\n${input.offerFacts.map((f) => `- ${f}`).join('\n')}`
    : '\nNe parle ni de packs ni de prix dans cette réponse.';
  return [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `${input.fanContext ? `${input.fanContext}\n\n` : ''}${context}\n\nConsigne : ${input.instruction}${facts}`,
    },
  ];
}
