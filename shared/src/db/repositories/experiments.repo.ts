import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { experiments, intentGuidance } from '../schema';
import type { Intent } from '../../domain';
import type { ExperimentVariant, Guidance } from '../../experiments/experiment';

export type ExperimentRecord = typeof experiments.$inferSelect;
export type IntentGuidanceRecord = typeof intentGuidance.$inferSelect;

export const experimentsRepo = {
  /** Newest first; `creatorIds` undefined means every creator. */
  async list(db: Db, creatorIds: readonly string[] | undefined): Promise<ExperimentRecord[]> {
    if (creatorIds && creatorIds.length === 0) return [];
    return db
      .select()
      .from(experiments)
      .where(creatorIds ? inArray(experiments.creatorId, [...creatorIds]) : undefined)
      .orderBy(desc(experiments.createdAt))
      .limit(200);
  },

  async findById(db: Db, id: string): Promise<ExperimentRecord | undefined> {
    const [row] = await db.select().from(experiments).where(eq(experiments.id, id));
    return row;
  },

  /** The new experiment, or undefined when one already runs for this creator's intent. */
  async create(
    db: Db,
    input: {
      creatorId: string;
      intent: Intent;
      name: string;
      mode: Guidance['mode'];
      variants: ExperimentVariant[];
      minSample: number;
      createdBy: string;
    },
  ): Promise<ExperimentRecord | undefined> {
    const [row] = await db
      .insert(experiments)
      .values(input)
      .onConflictDoNothing({
        target: [experiments.creatorId, experiments.intent],
        where: sql`${experiments.status} = 'running'`,
      })
      .returning();
    return row;
  },

  /** Ends a running experiment; undefined when it was not running (any more). */
  async end(
    db: Db,
    id: string,
    outcome: { status: 'stopped' } | { status: 'promoted'; winner: string },
    at: Date,
  ): Promise<ExperimentRecord | undefined> {
    const [row] = await db
      .update(experiments)
      .set({
        status: outcome.status,
        winner: outcome.status === 'promoted' ? outcome.winner : null,
        endedAt: at,
      })
      .where(and(eq(experiments.id, id), eq(experiments.status, 'running')))
      .returning();
    return row;
  },

  async guidance(db: Db, creatorIds: readonly string[] | undefined): Promise<IntentGuidanceRecord[]> {
    if (creatorIds && creatorIds.length === 0) return [];
    return db
      .select()
      .from(intentGuidance)
      .where(creatorIds ? inArray(intentGuidance.creatorId, [...creatorIds]) : undefined)
      .orderBy(intentGuidance.creatorId, intentGuidance.intent);
  },

  async setGuidance(
    db: Db,
    input: { creatorId: string; intent: Intent; guidance: Guidance; experimentId: string; updatedBy: string },
    at: Date,
  ): Promise<void> {
    const values = {
      mode: input.guidance.mode,
      text: input.guidance.text,
      experimentId: input.experimentId,
      updatedBy: input.updatedBy,
      updatedAt: at,
    };
    await db
      .insert(intentGuidance)
      .values({ creatorId: input.creatorId, intent: input.intent, ...values })
      .onConflictDoUpdate({ target: [intentGuidance.creatorId, intentGuidance.intent], set: values });
  },
};
