export {
  createOllamaClient,
  DEFAULT_TIMEOUTS,
  type OllamaClient,
  type OllamaClientOptions,
} from './ollama.client';
export { OllamaError, type OllamaErrorCode } from './ollama.errors';
export type {
  ChatEvent,
  ChatMessage,
  ChatRequest,
  DoneEvent,
  ModelConfig,
  OllamaTimeouts,
  TokenEvent,
} from './ollama.types';
export { coalesceTokens } from './coalesce';
