export { loadIntentClassifier, createIntentClassifier, RULE_CONFIDENCE } from './intents/intent.classifier';
export type {
  ClassifierOptions,
  ClassifyHint,
  IntentClassifier,
  IntentResult,
} from './intents/intent.classifier';
export { detectLanguage, type DetectedLanguage } from './intents/language';
export { detectMinorSignal, type MinorSignalMatch } from './safety/minor-signal.rule';
export {
  decideMinor,
  MINOR_UNCERTAIN_THRESHOLD,
  type MinorDecision,
  type MinorOutcome,
} from './safety/minor-gate';
export { detectOptOut } from './safety/opt-out.rule';
export { detectHumanRequest } from './safety/human-request.rule';
export { normalizeText } from './intents/text.normalize';
export { validateDraft, type ValidationContext } from './drafting/validator';
export { resolvePolicy, type CreatorSendPolicy, type PolicyInput } from './drafting/policy';
export { renderPrompt, type PromptInput } from './drafting/prompt';
export * from './ollama/index';
export {
  friendlyReply,
  FRIENDLY_INTENTS,
  FRIENDLY_MIN_CONFIDENCE,
  type FriendlyVerdict,
} from './intents/friendly';
export {
  estimateTokens,
  renderFanContext,
  sentences,
  type FanContext,
  type Recollection,
} from './drafting/fan-context';
export {
  collectionName,
  createChromaMemory,
  NO_MEMORY,
  within,
  type ChromaMemoryOptions,
  type FanMemory,
  type MemoryEntry,
} from './memory/memory';
export { chromaCli, startLocalChroma, type LocalChroma } from './memory/local-chroma';
