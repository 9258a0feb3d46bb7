/**
 * A preload for the hub and workers processes (`BENCH_PRELOAD=bench/src/count-calls.ts`):
 * counts node-postgres statements (by prepared name, or by their first words) and ioredis
 * commands, and writes the counts to `$BENCH_COUNT_DIR/<role>.<pid>.tsv` every second and
 * at exit. Divide by the messages of the run to get the calls per message.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import pg from 'pg';
import { Redis } from 'ioredis';

const dir = process.env.BENCH_COUNT_DIR ?? '/tmp';
const role = process.argv.includes('--role') ? process.argv[process.argv.indexOf('--role') + 1] : 'process';
const counts = new Map<string, number>();
const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

type Query = (this: pg.Client, config: unknown, ...rest: unknown[]) => unknown;
type SendCommand = (this: Redis, command: { name: string }, ...rest: unknown[]) => unknown;

if (isMainThread) {
  const query = pg.Client.prototype.query as unknown as Query;
  (pg.Client.prototype as unknown as { query: Query }).query = function (config, ...rest) {
    const named = (config as { name?: string } | null)?.name;
    const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '?');
    bump(`sql\t${named ? `prepared ${named}` : text.replace(/\s+/g, ' ').trim().slice(0, 100)}`);
    return query.call(this, config, ...rest);
  };
  const sendCommand = Redis.prototype.sendCommand as unknown as SendCommand;
  (Redis.prototype as unknown as { sendCommand: SendCommand }).sendCommand = function (command, ...rest) {
    bump(`redis\t${command.name}`);
    return sendCommand.call(this, command, ...rest);
  };
  const write = () =>
    writeFileSync(
      path.join(dir, `${role}.${process.pid}.tsv`),
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => `${n}\t${key}`)
        .join('\n') + '\n',
    );
  process.on('exit', write);
  setInterval(write, 1000).unref();
}
