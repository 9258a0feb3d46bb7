// Kept apart from index.ts so production code never pulls the fake server in.
export {
  DEFAULT_STANDIN_MODELS,
  DEFAULT_STANDIN_REPLY,
  STANDIN_VERSION,
  standinEmbedding,
  startOllamaStandin,
  tokenize,
  type OllamaStandin,
  type OllamaStandinOptions,
  type RecordedRequest,
  type SentChunk,
  type StandinFailure,
  type StandinMessage,
  type StandinRequestBody,
} from './ollama.standin';
