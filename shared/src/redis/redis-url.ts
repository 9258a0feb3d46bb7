import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** A connection to one server, a Sentinel-managed master, or a Cluster: the same commands. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server (`redis://`, `rediss://`), a master found through Sentinel, or a Cluster. */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      /** The master's name in the sentinels' `sentinel monitor` line. */
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
    };

export const REDIS_URL_FORMS =
  'redis://[user:password@]host:port[/db], rediss://…, ' +
  'redis+sentinel://[user:password@]host:port[,host:port…]/master-name[/db][?sentinelPassword=…], or ' +
  'redis+cluster://[user:password@]host:port[,host:port…]';

const NODE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

function node(text: string, defaultPort: number): RedisNode {
  const match = NODE.exec(text);
  const port = Number(match?.[2] ?? defaultPort);
  if (!match || port < 1 || port > 65535) throw new Error(`"${text}" is not a host:port`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** `user:password` of a URL: a lone word is the user, as in redis:// URLs. */
function credentials(auth: string | undefined): { username?: string; password?: string } {
  if (!auth) return {};
  const colon = auth.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(auth.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/**
 * Reads REDIS_URL. The Sentinel and Cluster forms are not WHATWG URLs (several hosts), so
 * they are taken apart by hand: `redis+sentinel://[user:pass@]h1:26379,h2:26379/mymaster[/db]`,
 * `redis+cluster://[user:pass@]h1:6379,h2:6379`.
 */
export function parseRedisUrl(value: string): RedisTarget {
  if (/^rediss?:\/\//.test(value)) {
    if (!URL.canParse(value)) throw new Error(`must be ${REDIS_URL_FORMS}`);
    return { kind: 'server', url: value };
  }
  if (value.startsWith('redis+cluster://')) {
    const cluster = /^redis\+cluster:\/\/(?:([^@/]*)@)?([^/?]+)\/?$/.exec(value);
    if (!cluster) throw new Error(`must be ${REDIS_URL_FORMS}`);
    return {
      kind: 'cluster',
      nodes: cluster[2]!.split(',').map((host) => node(host.trim(), 6379)),
      ...credentials(cluster[1]),
    };
  }
  const sentinel =
    /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?]+)\/([^/?]+)(?:\/(\d{1,2}))?\/?(?:\?(.*))?$/.exec(value);
  if (!sentinel) throw new Error(`must be ${REDIS_URL_FORMS}`);
  const [, auth, hosts, name, db, query] = sentinel;
  const target: RedisTarget = {
    kind: 'sentinel',
    sentinels: hosts!.split(',').map((host) => node(host.trim(), 26379)),
    name: decodeURIComponent(name!),
    db: Number(db ?? 0),
    ...credentials(auth),
  };
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys()) {
    if (key !== 'sentinelPassword') throw new Error(`unknown option "${key}" (only sentinelPassword)`);
  }
  const sentinelPassword = params.get('sentinelPassword');
  if (sentinelPassword) target.sentinelPassword = sentinelPassword;
  return target;
}

/** Why REDIS_URL is unusable, or undefined when it is fine. */
export function redisUrlIssue(value: string): string | undefined {
  try {
    parseRedisUrl(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A connection to the Redis that REDIS_URL names, with the caller's options. Through
 * Sentinel, ioredis asks the sentinels for the master, and again after a failover;
 * `duplicate()` keeps that, so pub/sub and BullMQ connections follow the master too. A
 * Cluster client learns the slots from the nodes given and follows their moves; the
 * caller's options apply to each node's connection.
 */
export function connectRedis(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === 'server') return new Redis(url, options);
  if (target.kind === 'cluster') {
    const { lazyConnect, enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
    const cluster: ClusterOptions = {
      redisOptions: { ...nodeOptions, username: target.username, password: target.password },
    };
    if (lazyConnect !== undefined) cluster.lazyConnect = lazyConnect;
    if (enableOfflineQueue !== undefined) cluster.enableOfflineQueue = enableOfflineQueue;
    if (retryStrategy) cluster.clusterRetryStrategy = (times) => retryStrategy(times);
    return new Cluster(target.nodes, cluster);
  }
  const { sentinels, name, db, username, password, sentinelPassword } = target;
  return new Redis({ ...options, sentinels, name, db, username, password, sentinelPassword });
}
