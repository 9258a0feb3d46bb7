import { Redis, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: one server (`redis://`, `rediss://`) or a master found through Sentinel. */
export type RedisTarget =
  | { kind: 'server'; url: string }
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
  'redis://[user:password@]host:port[/db], rediss://…, or ' +
  'redis+sentinel://[user:password@]host:port[,host:port…]/master-name[/db][?sentinelPassword=…]';

const NODE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

function sentinelNode(text: string): RedisNode {
  const match = NODE.exec(text);
  const port = Number(match?.[2] ?? 26379);
  if (!match || port < 1 || port > 65535) throw new Error(`"${text}" is not a host:port`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Reads REDIS_URL. Sentinel's form is not a WHATWG URL (several hosts), so it is taken
 * apart by hand: `redis+sentinel://[user:pass@]h1:26379,h2:26379/mymaster[/db]`.
 */
export function parseRedisUrl(value: string): RedisTarget {
  if (/^rediss?:\/\//.test(value)) {
    if (!URL.canParse(value)) throw new Error(`must be ${REDIS_URL_FORMS}`);
    return { kind: 'server', url: value };
  }
  const sentinel =
    /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?]+)\/([^/?]+)(?:\/(\d{1,2}))?\/?(?:\?(.*))?$/.exec(value);
  if (!sentinel) throw new Error(`must be ${REDIS_URL_FORMS}`);
  const [, auth, hosts, name, db, query] = sentinel;
  const target: RedisTarget = {
    kind: 'sentinel',
    sentinels: hosts!.split(',').map((host) => sentinelNode(host.trim())),
    name: decodeURIComponent(name!),
    db: Number(db ?? 0),
  };
  if (auth) {
    const colon = auth.indexOf(':');
    const user = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
    const password = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
    if (user) target.username = user;
    if (password) target.password = password;
  }
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
 * `duplicate()` keeps that, so pub/sub and BullMQ connections follow the master too.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.kind === 'server') return new Redis(url, options);
  const { sentinels, name, db, username, password, sentinelPassword } = target;
  return new Redis({ ...options, sentinels, name, db, username, password, sentinelPassword });
}
