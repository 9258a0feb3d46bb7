import { DelayedError, UnrecoverableError, type Job as BullJob } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, outboxRepo, type Database } from '@velvet/shared';
import { createTestDatabase, type TestDatabase } from '@velvet/shared/testing';
import type { WorkerContext } from './context';
import { settleInTransaction, withOutboxBookkeeping } from './job-runner';

describe('the job runner marks outbox rows', () => {
  let testDb: TestDatabase;
  let database: Database;
  let ctx: WorkerContext;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    ctx = { db: database.db, now: () => new Date() } as WorkerContext;
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  async function run(outcome: (job: BullJob) => Promise<void>) {
    const row = await outboxRepo.insert(database.db, { name: 'inbound.process', data: { messageId: 'm' } });
    const job = { data: { messageId: 'm', outboxId: row.id } } as unknown as BullJob;
    const error = await withOutboxBookkeeping(
      ctx,
      outcome,
    )(job).then(
      () => undefined,
      (e: unknown) => e,
    );
    const pending = await outboxRepo.countPending(database.db);
    await outboxRepo.markProcessed(database.db, row.id, new Date());
    return { error, settled: pending === 0 };
  }

  it('settles a finished job and one that failed for good', async () => {
    expect(await run(async () => {})).toEqual({ error: undefined, settled: true });
    const failed = await run(async () => {
      throw new UnrecoverableError('blocked by the user');
    });
    expect(failed.error).toBeInstanceOf(UnrecoverableError);
    expect(failed.settled).toBe(true);
  });

  it('leaves a retryable failure and a postponed job open for the relay', async () => {
    const retry = await run(async () => {
      throw new Error('Telegram answered 502');
    });
    expect(retry).toMatchObject({ settled: false });
    expect((retry.error as Error).message).toBe('Telegram answered 502');
    const later = await run(async () => {
      throw new DelayedError();
    });
    expect(later.error).toBeInstanceOf(DelayedError);
    expect(later.settled).toBe(false);
  });
  it('takes the mark a handler made in its own transaction, and only if it committed', async () => {
    const committed = await run((job) =>
      database.db.transaction((tx) => settleInTransaction(tx, job, new Date())),
    );
    expect(committed).toEqual({ error: undefined, settled: true });
    const rolledBack = await run((job) =>
      database.db.transaction(async (tx) => {
        await settleInTransaction(tx, job, new Date());
        throw new Error('deadlock detected');
      }),
    );
    expect(rolledBack).toMatchObject({ settled: false });
  });
});
