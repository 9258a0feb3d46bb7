import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/index';
import { openDatabase, type Database } from '../client';
import { outboxRepo } from './outbox.repo';

/** Rows held until later: a week of scheduled posts waiting for their time. */
const HELD = 20_000;

interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Every row the plan's scans touched: returned or read and thrown away by a filter. */
function rowsRead(node: PlanNode): { read: number; scans: string[] } {
  const own = node['Node Type'].includes('Scan')
    ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
    : 0;
  return (node.Plans ?? [])
    .map(rowsRead)
    .reduce((sum, child) => ({ read: sum.read + child.read, scans: [...sum.scans, ...child.scans] }), {
      read: own,
      scans: node['Node Type'].includes('Scan') ? [node['Node Type']] : [],
    });
}

describe("the outbox relay's sweep", () => {
  let testDb: TestDatabase;
  let database: Database;
  let client: pg.Client;
  const ids: Record<string, number> = {};
  const staleBefore = () => new Date(Date.now() - 5000);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    await client.query(
      `insert into outbox (topic, payload, enqueued_at)
       select 'post.publish', jsonb_build_object('targetId', 't' || i, 'dueAt', 0), now() + interval '1 hour' + i * interval '1 second'
       from generate_series(1, ${HELD}) i`,
    );
    const row = async (name: string, values: string) => {
      const { rows } = await client.query<{ id: number }>(
        `insert into outbox (topic, payload, created_at, enqueued_at, processed_at)
         values ('inbound.process', '{"messageId":"${name}"}', ${values}) returning id`,
      );
      ids[name] = Number(rows[0]!.id);
    };
    await row('committed-never-enqueued', "now() - interval '10 s', null, null");
    await row('held-until-a-minute-ago', "now() - interval '2 h', now() - interval '1 min', null");
    await row('enqueued-20-s-ago', "now() - interval '30 s', now() - interval '20 s', null");
    await row('done-long-ago', "now() - interval '2 h', now() - interval '2 h', now() - interval '2 h'");
    await row('just-committed', 'now(), null, null');
    await client.query('analyze outbox');
  });
  afterAll(async () => {
    await client?.end();
    await database?.close();
    await testDb?.drop();
  });

  it('finds what is stale, the most overdue first, and nothing held until later or done', async () => {
    const pending = await outboxRepo.pending(database.db, staleBefore(), 500);
    expect(pending.map((r) => r.id)).toEqual([
      ids['held-until-a-minute-ago'],
      ids['enqueued-20-s-ago'],
      ids['committed-never-enqueued'],
    ]);
    expect(pending[0]!.job).toEqual({
      name: 'inbound.process',
      data: { messageId: 'held-until-a-minute-ago' },
    });
  });

  it(`reads only the stale rows, not the ${HELD} held until later`, async () => {
    const query = outboxRepo.pendingQuery(database.db, staleBefore(), 500).toSQL();
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `explain (analyze, format json) ${query.sql}`,
      query.params,
    );
    const { read, scans } = rowsRead(rows[0]!['QUERY PLAN'][0].Plan);
    expect(scans).not.toContain('Seq Scan');
    expect(read).toBe(3);
  });
});
