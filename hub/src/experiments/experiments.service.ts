import { sql } from 'drizzle-orm';
import {
  auditRepo,
  can,
  composeGuidance,
  Conflict,
  creatorsRepo,
  experimentsRepo,
  Forbidden,
  Invalid,
  NotFound,
  selectRows,
  VARIANT_KEYS,
  type Actor,
  type ExperimentRecord,
} from '@velvet/shared';
import type { z } from 'zod';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import {
  significance,
  variantFigures,
  type ExperimentDraft,
  type ExperimentSale,
} from './experiments.figures';
import type { experimentCreateBody, experimentsQuery, ExperimentView } from './experiments.schema';

export const EXPERIMENT_DEFINITIONS = {
  drafts: 'AI drafts written with the variant (template fallbacks, written without the prompt, are left out)',
  blocked: 'drafts the validator held back',
  approvalRate: 'drafts a person approved, over the drafts people approved or rejected',
  approvalWithoutEditRate: 'drafts approved exactly as written, over the drafts people approved or rejected',
  editDistance:
    'mean edit distance between the draft and the text sent, over the longer of the two (0: unchanged, 1: rewritten), over approved drafts',
  conversion:
    'conversations a reply of the variant reached (approved or sent by policy) followed by a purchase (not refunded) before the experiment ended, over those conversations',
  revenue: 'what those purchases brought in, per currency',
  significance:
    'two-proportion z-test between the best variant and the runner-up; significant below p = 0.05, and no verdict until every variant has the minimum sample',
} as const;

/** A/B tests of an intent's prompt guidance per creator, with the figures of each variant. */
export function createExperimentsService(ctx: HubContext) {
  const { db } = ctx;

  /** Creators the caller may read experiments of; undefined means every creator. */
  function scope(actor: Actor, creatorId: string | undefined): readonly string[] | undefined {
    if (creatorId) {
      authorize(actor, 'experiment:read', { creatorId });
      return [creatorId];
    }
    authorize(actor, 'experiment:read');
    return actor.role === 'admin' ? undefined : actor.creatorIds;
  }

  async function present(actor: Actor, rows: ExperimentRecord[]): Promise<ExperimentView[]> {
    if (rows.length === 0) return [];
    const ids = sql.join(
      rows.map((r) => sql`${r.id}::uuid`),
      sql`, `,
    );
    const [drafts, sales, names] = await Promise.all([
      selectRows<{
        experiment_id: string;
        variant: string;
        conversation_id: string;
        status: ExperimentDraft['status'];
        text: string;
        edited_text: string | null;
        by_person: boolean;
      }>(
        db,
        sql`select experiment_id, variant, conversation_id, status, text, edited_text,
              decided_by is not null as by_person
            from drafts
            where experiment_id in (${ids}) and variant is not null and generated_by <> 'fallback'
              and status in ('pending_approval','auto_sent','approved','rejected','blocked')`,
      ),
      // Purchases after the variant's first reply in the conversation went out, before the end.
      selectRows<{
        experiment_id: string;
        variant: string;
        conversation_id: string;
        currency: string | null;
        cents: string | number | null;
        purchases: number;
      }>(
        db,
        sql`with reached as (
              select d.experiment_id, d.variant, d.conversation_id,
                     min(coalesce(d.decided_at, d.updated_at)) as at
              from drafts d
              where d.experiment_id in (${ids}) and d.variant is not null and d.generated_by <> 'fallback'
                and d.status in ('approved','auto_sent')
              group by 1, 2, 3)
            select r.experiment_id, r.variant, r.conversation_id, p.currency,
                   sum(p.amount_cents)::bigint as cents, count(p.id)::int as purchases
            from reached r
            join experiments e on e.id = r.experiment_id
            join purchases p on p.conversation_id = r.conversation_id and p.refunded_at is null
              and p.created_at >= r.at and p.created_at < coalesce(e.ended_at, ${ctx.now()})
            group by 1, 2, 3, 4`,
      ),
      selectRows<{ id: string; name: string }>(
        db,
        sql`select id, name from creators where id in (${sql.join(
          [...new Set(rows.map((r) => r.creatorId))].map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      ),
    ]);
    return rows.map((row) => {
      const mine = drafts
        .filter((d) => d.experiment_id === row.id)
        .map((d): ExperimentDraft => ({
          variant: d.variant,
          conversationId: d.conversation_id,
          status: d.status,
          text: d.text,
          editedText: d.edited_text,
          byPerson: d.by_person,
        }));
      const bought = sales
        .filter((s) => s.experiment_id === row.id)
        .map((s): ExperimentSale => ({
          variant: s.variant,
          conversationId: s.conversation_id,
          currency: s.currency,
          cents: Number(s.cents ?? 0),
          purchases: s.purchases,
        }));
      const variants = row.variants.map((v) => variantFigures(v, mine, bought));
      const running = row.status === 'running';
      const write = can(actor, 'experiment:write', { creatorId: row.creatorId });
      return {
        id: row.id,
        creatorId: row.creatorId,
        creatorName: names.find((n) => n.id === row.creatorId)?.name ?? '',
        intent: row.intent as ExperimentView['intent'],
        name: row.name,
        mode: row.mode,
        status: row.status,
        winner: row.winner,
        minSample: row.minSample,
        createdAt: row.createdAt.toISOString(),
        endedAt: row.endedAt?.toISOString() ?? null,
        variants,
        significance: significance(variants, row.minSample),
        can: { stop: running && write, promote: running && write },
      };
    });
  }

  /** The experiment, once the caller may read it. */
  async function find(actor: Actor, id: string): Promise<ExperimentRecord> {
    const row = await experimentsRepo.findById(db, id);
    if (!row) throw new NotFound('Experiment');
    if (!can(actor, 'experiment:read', { creatorId: row.creatorId })) {
      // Someone who works for the creator learns they may not; anyone else, nothing.
      if (actor.creatorIds.includes(row.creatorId)) throw new Forbidden();
      throw new NotFound('Experiment');
    }
    return row;
  }

  async function one(actor: Actor, row: ExperimentRecord): Promise<ExperimentView> {
    return (await present(actor, [row]))[0]!;
  }

  return {
    async list(actor: Actor, query: z.output<typeof experimentsQuery>) {
      const creators = scope(actor, query.creatorId);
      const rows = (await experimentsRepo.list(db, creators)).filter(
        (r) => !query.status || r.status === query.status,
      );
      const guidance = await experimentsRepo.guidance(db, creators);
      return {
        experiments: await present(actor, rows),
        guidance: guidance.map((g) => ({
          creatorId: g.creatorId,
          intent: g.intent,
          mode: g.mode,
          text: g.text,
          experimentId: g.experimentId,
          updatedAt: g.updatedAt.toISOString(),
        })),
        definitions: EXPERIMENT_DEFINITIONS,
      };
    },

    async get(actor: Actor, id: string) {
      return one(actor, await find(actor, id));
    },

    async create(actor: Actor, creatorId: string, body: z.output<typeof experimentCreateBody>) {
      authorize(actor, 'experiment:write', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
      const created = await db.transaction(async (tx) => {
        const row = await experimentsRepo.create(tx, {
          creatorId,
          intent: body.intent,
          name: body.name,
          mode: body.mode,
          variants: body.variants.map((v, i) => ({ key: VARIANT_KEYS[i]!, text: v.text, weight: v.weight })),
          minSample: body.minSample,
          createdBy: actor.id,
        });
        if (!row)
          throw new Conflict(`An experiment already runs for ${body.intent}: stop or promote it first`);
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'experiment.create',
          creatorId,
          targetType: 'experiment',
          targetId: row.id,
          data: { intent: body.intent, name: body.name, variants: body.variants.length },
        });
        return row;
      });
      return one(actor, created);
    },

    async stop(actor: Actor, id: string) {
      const row = await find(actor, id);
      authorize(actor, 'experiment:write', { creatorId: row.creatorId });
      const ended = await db.transaction(async (tx) => {
        const done = await experimentsRepo.end(tx, id, { status: 'stopped' }, ctx.now());
        if (!done) throw new Conflict('This experiment is not running');
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'experiment.stop',
          creatorId: row.creatorId,
          targetType: 'experiment',
          targetId: id,
        });
        return done;
      });
      return one(actor, ended);
    },

    /** The winner's text becomes the intent's standing guidance for the creator; the test ends. */
    async promote(actor: Actor, id: string, key: string) {
      const row = await find(actor, id);
      authorize(actor, 'experiment:write', { creatorId: row.creatorId });
      const winner = row.variants.find((v) => v.key === key);
      if (!winner) throw new Invalid(`This experiment has no variant ${key}`);
      const ended = await db.transaction(async (tx) => {
        const done = await experimentsRepo.end(tx, id, { status: 'promoted', winner: key }, ctx.now());
        if (!done) throw new Conflict('This experiment is not running');
        const current = (await experimentsRepo.guidance(tx, [row.creatorId])).find(
          (g) => g.intent === row.intent,
        );
        const next = composeGuidance(current && { mode: current.mode, text: current.text }, {
          mode: row.mode,
          text: winner.text,
        });
        if (next) {
          await experimentsRepo.setGuidance(
            tx,
            {
              creatorId: row.creatorId,
              intent: row.intent,
              guidance: next,
              experimentId: id,
              updatedBy: actor.id,
            },
            ctx.now(),
          );
        }
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'experiment.promote',
          creatorId: row.creatorId,
          targetType: 'experiment',
          targetId: id,
          data: { intent: row.intent, variant: key },
        });
        return done;
      });
      return one(actor, ended);
    },
  };
}

export type ExperimentsService = ReturnType<typeof createExperimentsService>;
