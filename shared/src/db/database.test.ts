import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index';
import { openDatabase, selectRows, type Database } from './client';
import { creatorsRepo } from './repositories/creators.repo';
import { usersRepo } from './repositories/users.repo';
import { conversations, fans, messages, platformAccounts } from './schema';

const TABLES = [
  'account_metrics',
  'audit_log',
  'auto_likes',
  'chatter_shifts',
  'conversations',
  'creator_teams',
  'creators',
  'drafts',
  'experiments',
  'fans',
  'follow_ups',
  'intent_corrections',
  'intent_guidance',
  'media_assets',
  'messages',
  'metrics_daily',
  'metrics_schedule',
  'notification_preferences',
  'notifications',
  'offers',
  'outbox',
  'packs',
  'planner_rules',
  'platform_accounts',
  'post_conversions',
  'post_metrics',
  'post_metrics_default',
  'post_metrics_latest',
  'post_targets',
  'posts',
  'promo_codes',
  'purchases',
  'push_subscriptions',
  'refresh_tokens',
  'satisfaction_surveys',
  'saved_replies',
  'team_members',
  'user_creators',
  'users',
];

/** One row per migration file in the journal, each applied once. */
const MIGRATIONS = (
  JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../migrations/meta/_journal.json'), 'utf8'),
  ) as { entries: unknown[] }
).entries.length;

describe.each(['postgres', 'pglite'] as const)('database on %s', (driver) => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let database: Database;
  const open = () => openDatabase({ databaseUrl: pg?.url, dataDir });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-db-'));
    if (driver === 'postgres') pg = await createTestDatabase();
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the migrations: every table exists', async () => {
    expect(database.driver).toBe(driver);
    const rows = await selectRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
  });

  it('keeps a repeated platform message out: unique on account + platform message id', async () => {
    const { db } = database;
    const creator = await creatorsRepo.create(db, {
      name: 'A',
      pseudonym: 'a',
      timezone: 'UTC',
      market: 'FR',
    });
    const [account] = await db
      .insert(platformAccounts)
      .values({ creatorId: creator.id, platform: 'telegram', credentialsEnc: 'v1.x' })
      .returning();
    const [fan] = await db.insert(fans).values({ accountId: account!.id, platformUserId: '42' }).returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ creatorId: creator.id, accountId: account!.id, fanId: fan!.id, platformChatId: '42' })
      .returning();
    const message = {
      conversationId: conversation!.id,
      accountId: account!.id,
      platformMessageId: '42:1',
      direction: 'in' as const,
      sender: 'fan' as const,
      text: 'Salut',
    };
    const first = await db.insert(messages).values(message).onConflictDoNothing().returning();
    const repeat = await db.insert(messages).values(message).onConflictDoNothing().returning();
    expect(first).toHaveLength(1);
    expect(repeat).toHaveLength(0);
    await expect(
      // The column's type keeps this out of code; the database's check keeps it out of the table.
      db.insert(messages).values({ ...message, platformMessageId: '42:2', direction: 'sideways' as 'in' }),
    ).rejects.toThrow();
  });

  it('keeps data across close and reopen, and reopening migrates nothing new', async () => {
    await usersRepo.create(database.db, {
      email: 'persist@test.velvet',
      passwordHash: 'x',
      role: 'chatter',
      creatorIds: [],
    });
    await database.close();
    database = await open();
    expect((await usersRepo.findByEmail(database.db, 'persist@test.velvet'))?.role).toBe('chatter');
    const migrations = await selectRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(migrations[0]!.n).toBe(MIGRATIONS);
  });

  it('refuses an unknown role at the database level too', async () => {
    await expect(
      usersRepo.create(database.db, {
        email: 'bad@test.velvet',
        passwordHash: 'x',
        role: 'owner' as never,
        creatorIds: [],
      }),
    ).rejects.toThrow();
  });
});

describe('migrations under concurrent starts on PostgreSQL', () => {
  it('applies once when several processes start together', async () => {
    const pg = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-db-'));
    try {
      const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: pg.url, dataDir })));
      const count = await selectRows<{ n: number }>(
        opened[0]!.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(count[0]!.n).toBe(MIGRATIONS);
      await Promise.all(opened.map((d) => d.close()));
    } finally {
      await pg.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
