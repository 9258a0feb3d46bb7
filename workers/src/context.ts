import type { Logger } from 'pino';
import type {
  CredentialsKeeper,
  Db,
  InboxPublisher,
  MediaStore,
  OutboxRelay,
  Queues,
  Secrets,
  VelvetConfig,
  RedisClient,
} from '@velvet/shared';
import type { Connectors, Publishers } from '@velvet/platforms';
import type { FanMemory, IntentClassifier, OllamaClient } from '@velvet/llm';
import type { DraftAborts } from './draft-aborts';

/** What job handlers may use, passed explicitly. */
export interface WorkerContext {
  db: Db;
  config: VelvetConfig;
  logger: Logger;
  /** BullMQ connection (maxRetriesPerRequest: null). */
  connection: RedisClient;
  redisPrefix: string;
  secrets: Secrets;
  connectors: Connectors;
  /** Where posts are published, by platform. */
  publishers: Publishers;
  classifier: IntentClassifier;
  ollama: OllamaClient;
  /** Vector memory of past conversations (NO_MEMORY when OLLAMA_EMBED_MODEL is unset). */
  memory: FanMemory;
  /** How long a draft waits for recalled memories (MEMORY_TIMEOUT_MS). */
  memoryTimeoutMs: number;
  aborts: DraftAborts;
  publisher: InboxPublisher;
  queues: Queues;
  relay: OutboxRelay;
  /** Opens an account's credentials, refreshing expiring tokens first (one process at a time). */
  credentials: CredentialsKeeper;
  /**
   * Writes one full backup (database, media, manifest) to `file`; `dataDir` is where the
   * default backups directory lives (DATA_DIR/backups).
   */
  backups: {
    dataDir: string;
    create(file: string): Promise<{ manifest: { counts: Record<string, number> } }>;
  };
  /** Where operators' uploads are kept (MEDIA_DIR). */
  mediaDir: string;
  /** The content library's files (what posts publish), behind the storage interface. */
  library: MediaStore;
  /** This hub's public address (PUBLIC_URL): where platforms fetch signed media from. */
  publicUrl: string;
  now: () => Date;
}
