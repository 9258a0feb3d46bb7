export { loadIntentClassifier, createIntentClassifier, RULE_CONFIDENCE } from './intents/intent.classifier';
export type { ClassifyHint, IntentClassifier, IntentResult } from './intents/intent.classifier';
export { detectLanguage, type DetectedLanguage } from './intents/language';
export { detectMinorSignal, type MinorSignalMatch } from './intents/minor-signal.rule';
export { normalizeText } from './intents/text.normalize';
