import type { Database, Db, Env, Secrets, VelvetConfig, RedisClient } from '@velvet/shared';
import type { Logger } from './logger';

/** Everything a hub service may depend on, passed explicitly. */
export interface HubContext {
  env: Env;
  config: VelvetConfig;
  db: Db;
  database: Pick<Database, 'ping' | 'driver' | 'dumpLive'>;
  redis: RedisClient;
  /** Prefix for every Redis key this process writes (queues, limiters). */
  redisPrefix: string;
  secrets: Secrets;
  logger: Logger;
  now: () => Date;
}
