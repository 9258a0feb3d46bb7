import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type {
  CredentialsKeeper,
  Db,
  InboxPublisher,
  OutboxRelay,
  Queues,
  Secrets,
  VelvetConfig,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { IntentClassifier, OllamaClient } from '@velvet/llm';
import type { DraftAborts } from './draft-aborts';

/** What job handlers may use, passed explicitly. */
export interface WorkerContext {
  db: Db;
  config: VelvetConfig;
  logger: Logger;
  /** BullMQ connection (maxRetriesPerRequest: null). */
  connection: Redis;
  redisPrefix: string;
  secrets: Secrets;
  connectors: Connectors;
  classifier: IntentClassifier;
  ollama: OllamaClient;
  aborts: DraftAborts;
  publisher: InboxPublisher;
  queues: Queues;
  relay: OutboxRelay;
  /** Opens an account's credentials, refreshing expiring tokens first (one process at a time). */
  credentials: CredentialsKeeper;
  /** Where operators' uploads are kept (MEDIA_DIR). */
  mediaDir: string;
  now: () => Date;
}
