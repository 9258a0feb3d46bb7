import { sql } from 'drizzle-orm';
import { auditRepo, selectRows, type Db, type InboxPublisher } from '@velvet/shared';
import type { HubContext } from '../context';
import type { Presence } from './presence';

export type Strategy = 'round_robin' | 'least_loaded';

/** A conversation needs a person: escalated or taken over by people, open, and nobody holds it. */
const NEEDS_PERSON = sql`c.assigned_to is null and c.status in ('human','escalated') and c.resolved_at is null`;

/** A person's load: the conversations they hold that are not resolved. */
const LOAD = sql`(select count(*)::int from conversations l where l.assigned_to = s.user_id and l.status <> 'closed')`;

interface Candidate {
  userId: string;
  capacity: number;
  load: number;
  lastAssignedAt: Date | string | null;
}

const time = (v: Date | string | null) => (v === null ? -Infinity : new Date(v).getTime());

/** Round robin: the one whose last assignment here is oldest; least loaded: fewest held, then that. */
export function pick(strategy: Strategy, candidates: readonly Candidate[]): Candidate | undefined {
  const free = candidates.filter((c) => c.load < c.capacity);
  const byTurn = (a: Candidate, b: Candidate) =>
    time(a.lastAssignedAt) - time(b.lastAssignedAt) || a.userId.localeCompare(b.userId);
  free.sort(strategy === 'least_loaded' ? (a, b) => a.load - b.load || byTurn(a, b) : byTurn);
  return free[0];
}

/** Team members who may take a conversation now, apart from presence: on duty, enabled, in scope. */
async function onDutyMembers(db: Db, creatorId: string): Promise<string[]> {
  const rows = await selectRows<{ user_id: string }>(
    db,
    sql`select m.user_id from team_members m
        join chatter_shifts s on s.user_id = m.user_id and s.on_duty
        join users u on u.id = m.user_id and u.disabled_at is null
        where m.creator_id = ${creatorId}
          and (u.role = 'admin' or (u.role in ('manager','chatter')
               and exists (select 1 from user_creators uc where uc.user_id = u.id and uc.creator_id = ${creatorId})))
        order by m.user_id`,
  );
  return rows.map((r) => r.user_id);
}

const list = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

export interface Assigned {
  conversationId: string;
  creatorId: string;
  userId: string;
  status: 'human' | 'escalated';
  escalationReason: string | null;
  snoozedUntil: Date | string | null;
}

/**
 * Hands one waiting conversation to an online, on-duty team member under capacity, or leaves
 * it waiting. Safe with any number of hubs doing the same at once:
 * - the conversation row is taken `FOR UPDATE SKIP LOCKED` and still unassigned, so only one
 *   transaction ever assigns it (another hub skips it, or finds it assigned);
 * - the candidates' shift rows are locked `FOR UPDATE` in id order (no deadlock), so every
 *   transaction that could add to their load has committed before the next statement, which
 *   (READ COMMITTED: a fresh snapshot per statement) counts their load: capacity holds.
 */
export async function assignOne(
  db: Db,
  conversationId: string,
  online: ReadonlySet<string>,
  /** Which hub assigned it, for the audit log (`VELVET_HUB_ID`). */
  hub?: string,
) {
  return db.transaction(async (tx): Promise<Assigned | 'skipped' | 'nobody'> => {
    const [conversation] = await selectRows<{ creator_id: string; strategy: Strategy }>(
      tx,
      sql`select c.creator_id, t.strategy from conversations c
          join creator_teams t on t.creator_id = c.creator_id
          where c.id = ${conversationId} and ${NEEDS_PERSON}
          for update of c skip locked`,
    );
    // Another hub is on it, or it no longer waits.
    if (!conversation) return 'skipped';
    const members = (await onDutyMembers(tx, conversation.creator_id)).filter((id) => online.has(id));
    if (members.length === 0) return 'nobody';
    const locked = await selectRows<{ user_id: string }>(
      tx,
      sql`select user_id from chatter_shifts where user_id in (${list(members)}) and on_duty
          order by user_id for update`,
    );
    if (locked.length === 0) return 'nobody';
    const candidates = await selectRows<{
      user_id: string;
      capacity: number;
      load: number;
      last_assigned_at: Date | string | null;
    }>(
      tx,
      sql`select s.user_id, s.capacity, ${LOAD} as load, m.last_assigned_at
          from chatter_shifts s
          join team_members m on m.user_id = s.user_id and m.creator_id = ${conversation.creator_id}
          where s.user_id in (${list(locked.map((r) => r.user_id))}) and s.on_duty`,
    );
    const chosen = pick(
      conversation.strategy,
      candidates.map((c) => ({
        userId: c.user_id,
        capacity: c.capacity,
        load: Number(c.load),
        lastAssignedAt: c.last_assigned_at,
      })),
    );
    if (!chosen) return 'nobody';
    const [updated] = await selectRows<{
      status: 'human' | 'escalated';
      escalation_reason: string | null;
      snoozed_until: Date | string | null;
    }>(
      tx,
      sql`update conversations set assigned_to = ${chosen.userId},
            status = case when status = 'escalated' then 'escalated' else 'human' end
          where id = ${conversationId}
          returning status, escalation_reason, snoozed_until`,
    );
    await tx.execute(
      sql`update team_members set last_assigned_at = now()
          where creator_id = ${conversation.creator_id} and user_id = ${chosen.userId}`,
    );
    await auditRepo.automation(tx, {
      action: 'conversation.auto_assign',
      creatorId: conversation.creator_id,
      conversationId,
      targetType: 'conversation',
      targetId: conversationId,
      data: { to: chosen.userId, load: chosen.load, capacity: chosen.capacity, ...(hub ? { hub } : {}) },
    });
    return {
      conversationId,
      creatorId: conversation.creator_id,
      userId: chosen.userId,
      status: updated!.status,
      escalationReason: updated!.escalation_reason,
      snoozedUntil: updated!.snoozed_until,
    };
  });
}

/** Conversations waiting for a person at creators with a team, oldest first. */
export async function waiting(db: Db, limit: number) {
  return selectRows<{ id: string; creator_id: string }>(
    db,
    sql`select c.id, c.creator_id from conversations c
        where ${NEEDS_PERSON} and exists (select 1 from creator_teams t where t.creator_id = c.creator_id)
        order by c.created_at, c.id limit ${limit}`,
  );
}

export interface Assigner {
  /** Runs a pass soon (debounced); the promise settles when that pass is done. */
  kick(): Promise<void>;
  /** One full pass: tries every waiting conversation; returns how many it assigned. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Each hub sweeps on a timer and when something changes (a shift starts, a socket connects);
 * the row locks above make the hubs' passes safe to overlap.
 */
export function startAssigner(
  ctx: HubContext,
  deps: { presence: Presence; publisher: InboxPublisher },
): Assigner {
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  async function pass(): Promise<number> {
    let count = 0;
    const rows = await waiting(ctx.db, 500);
    const full = new Set<string>();
    const onlineByCreator = new Map<string, Set<string>>();
    for (const row of rows) {
      if (stopped) break;
      if (full.has(row.creator_id)) continue;
      let online = onlineByCreator.get(row.creator_id);
      if (!online) {
        const members = await onDutyMembers(ctx.db, row.creator_id);
        online = await deps.presence.online(members);
        onlineByCreator.set(row.creator_id, online);
      }
      const assigned =
        online.size > 0 ? await assignOne(ctx.db, row.id, online, ctx.env.VELVET_HUB_ID) : 'nobody';
      // Nobody free for that creator: its other conversations wait for the next pass.
      if (assigned === 'nobody') full.add(row.creator_id);
      if (typeof assigned === 'string') continue;
      count++;
      await deps.publisher.emit(
        { creatorId: assigned.creatorId, conversationId: assigned.conversationId },
        'conversation:update',
        {
          conversationId: assigned.conversationId,
          status: assigned.status,
          assignedTo: assigned.userId,
          snoozedUntil: assigned.snoozedUntil ? new Date(assigned.snoozedUntil).toISOString() : null,
          escalationReason: assigned.escalationReason as never,
        },
      );
    }
    return count;
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await pass();
      } while (again && !stopped);
      return total;
    })()
      .catch((err: unknown) => {
        ctx.logger.warn({ err }, 'auto-assignment pass failed');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  }

  const timer = setInterval(() => void run(), ctx.env.VELVET_ASSIGN_SWEEP_MS);
  timer.unref();
  return {
    kick: async () => void (await run()),
    sweep: run,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
