import { asc } from 'drizzle-orm';
import type { Db } from '../client';
import { intentCorrections } from '../schema';

export const intentCorrectionsRepo = {
  async insert(db: Db, input: typeof intentCorrections.$inferInsert): Promise<void> {
    await db.insert(intentCorrections).values(input);
  },

  async all(db: Db) {
    return db.select().from(intentCorrections).orderBy(asc(intentCorrections.id));
  },
};
