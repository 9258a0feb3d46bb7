import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-url';
import type { ServerEventName } from '../events';

export interface LoggedEvent {
  id: string;
  rooms: string[];
  event: ServerEventName;
  payload: unknown;
}

/**
 * Appends an event and publishes its Socket.IO broadcast in one round trip: the message is
 * sent with its log id (the recovery offset) spliced in between `prefix` and `suffix` as a
 * MessagePack string, which only the server knows once the entry is added.
 */
const APPEND_AND_PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'r', ARGV[2], 'e', ARGV[3], 'p', ARGV[4])
local header
if #id < 32 then header = string.char(0xa0 + #id) else header = string.char(0xd9, #id) end
redis.call('PUBLISH', ARGV[5], ARGV[6] .. header .. id .. ARGV[7])
return id`;
const APPEND_AND_PUBLISH_SHA = createHash('sha1').update(APPEND_AND_PUBLISH).digest('hex');

/**
 * The last two minutes of inbox events in a Redis stream, shared by every hub and worker.
 * Its entry ids are the offsets Socket.IO clients echo back when they reconnect, so a
 * client recovers what it missed whichever hub it lands on.
 */
export class EventLog {
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    readonly retentionMs = 120_000,
  ) {
    this.key = `${prefix}:inbox:events`;
  }

  async append(rooms: string[], event: ServerEventName, payload: unknown): Promise<string> {
    const minId = `${Date.now() - this.retentionMs}-0`;
    const id = await this.redis.xadd(
      this.key,
      'MINID',
      '~',
      minId,
      '*',
      'r',
      rooms.join(' '),
      'e',
      event,
      'p',
      JSON.stringify(payload),
    );
    return id!;
  }

  /**
   * `append`, and in the same round trip publishes `message` on `channel` with the entry's id
   * in place of its last `marker` (a MessagePack-encoded string): the same two commands as an
   * append followed by a publish, one write and one reply instead of two.
   */
  async appendAndPublish(
    rooms: string[],
    event: ServerEventName,
    payload: unknown,
    publish: { channel: string; message: Buffer; marker: Buffer },
  ): Promise<string> {
    const at = publish.message.lastIndexOf(publish.marker);
    if (at < 0) throw new Error('appendAndPublish: the marker is not in the message');
    const args = [
      this.key,
      `${Date.now() - this.retentionMs}-0`,
      rooms.join(' '),
      event,
      JSON.stringify(payload),
      publish.channel,
      publish.message.subarray(0, at),
      publish.message.subarray(at + publish.marker.length),
    ];
    try {
      return (await this.redis.evalsha(APPEND_AND_PUBLISH_SHA, 1, ...args)) as string;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.redis.eval(APPEND_AND_PUBLISH, 1, ...args)) as string;
    }
  }

  /**
   * The newest entry's id: the offset a client that has received nothing yet starts from.
   * An empty log gets a marker entry (no rooms, replayed to no one) so there is one.
   */
  async head(): Promise<string> {
    const [last] = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return last ? last[0] : this.append([], 'sync:offset', {});
  }

  /** Events after `offset`; null when the offset is no longer in the log (too old, or flushed). */
  async after(offset: string, limit = 10_000): Promise<LoggedEvent[] | null> {
    if (!/^\d+-\d+$/.test(offset)) return null;
    const anchor = await this.redis.xrange(this.key, offset, offset);
    if (anchor.length === 0) return null;
    const entries = await this.redis.xrange(this.key, `(${offset}`, '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      return {
        id,
        rooms: (map.get('r') ?? '').split(' ').filter(Boolean),
        event: map.get('e') as ServerEventName,
        payload: JSON.parse(map.get('p') ?? 'null') as unknown,
      };
    });
  }

  /**
   * Deletes the logged events whose payload mentions any of `ids` (an erasure: texts must
   * not be replayed to a reconnecting client); returns how many went.
   */
  async forget(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    let removed = 0;
    let start = '-';
    for (;;) {
      const entries = await this.redis.xrange(this.key, start, '+', 'COUNT', 1000);
      if (entries.length === 0) return removed;
      const doomed = entries
        .filter(([, fields]) => {
          const payload = fields[fields.indexOf('p') + 1] ?? '';
          return ids.some((id) => payload.includes(id));
        })
        .map(([id]) => id);
      if (doomed.length > 0) removed += await this.redis.xdel(this.key, ...doomed);
      start = `(${entries.at(-1)![0]}`;
    }
  }
}
