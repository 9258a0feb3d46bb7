import { sql } from 'drizzle-orm';
import {
  auditRepo,
  can,
  Conflict,
  NotFound,
  selectRows,
  usersRepo,
  type Actor,
  type InboxPublisher,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize, creatorScope } from '../http/authorize';
import { ValidationFailed } from '../http/validate';
import type { Assigner } from './assignment';
import type { Presence } from './presence';
import type { HandAssignBody, TeamBody } from './teams.schema';

const DEFAULT_CAPACITY = 5;

const iso = (v: Date | string) => new Date(v).toISOString();

export function createTeamsService(
  ctx: HubContext,
  deps: { presence: Presence; assigner: Assigner; publisher: InboxPublisher },
) {
  const { db } = ctx;

  async function creatorExists(creatorId: string) {
    const [row] = await selectRows<{ id: string }>(db, sql`select id from creators where id = ${creatorId}`);
    if (!row) throw new NotFound('Creator');
  }

  async function team(creatorId: string) {
    const [settings] = await selectRows<{ strategy: 'round_robin' | 'least_loaded' }>(
      db,
      sql`select strategy from creator_teams where creator_id = ${creatorId}`,
    );
    const rows = await selectRows<{
      user_id: string;
      email: string;
      role: string;
      capacity: number | null;
      on_duty: boolean | null;
      load: number;
    }>(
      db,
      sql`select m.user_id, u.email, u.role, s.capacity, s.on_duty,
            (select count(*)::int from conversations l where l.assigned_to = m.user_id and l.status <> 'closed') as load
          from team_members m join users u on u.id = m.user_id
          left join chatter_shifts s on s.user_id = m.user_id
          where m.creator_id = ${creatorId} order by u.email`,
    );
    const online = await deps.presence.online(rows.map((r) => r.user_id));
    return {
      creatorId,
      strategy: settings?.strategy ?? 'round_robin',
      enabled: rows.length > 0,
      members: rows.map((r) => ({
        userId: r.user_id,
        email: r.email,
        role: r.role,
        capacity: r.capacity ?? DEFAULT_CAPACITY,
        onDuty: r.on_duty ?? false,
        online: (r.on_duty ?? false) && online.has(r.user_id),
        load: Number(r.load),
      })),
    };
  }

  async function shift(userId: string) {
    const [row] = await selectRows<{ on_duty: boolean; capacity: number }>(
      db,
      sql`select on_duty, capacity from chatter_shifts where user_id = ${userId}`,
    );
    const [load] = await selectRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from conversations where assigned_to = ${userId} and status <> 'closed'`,
    );
    return {
      onDuty: row?.on_duty ?? false,
      capacity: row?.capacity ?? DEFAULT_CAPACITY,
      load: Number(load?.n ?? 0),
    };
  }

  /** An enabled person who may reply for the creator (not a model), or a 422 naming `field`. */
  async function worker(userId: string, creatorId: string, field: string) {
    const user = await usersRepo.findById(db, userId);
    if (!user || user.disabledAt) throw new ValidationFailed([{ path: field, message: 'no such user' }]);
    if (user.role === 'model' || !can(user, 'conversation:reply', { creatorId }))
      throw new ValidationFailed([{ path: field, message: 'does not work for this creator' }]);
    return user;
  }

  return {
    async getTeam(actor: Actor, creatorId: string) {
      await creatorExists(creatorId);
      authorize(actor, 'team:manage', { creatorId });
      return team(creatorId);
    },

    async putTeam(actor: Actor, creatorId: string, body: TeamBody) {
      await creatorExists(creatorId);
      authorize(actor, 'team:manage', { creatorId });
      for (const [index, member] of body.members.entries())
        await worker(member.userId, creatorId, `members.${index}.userId`);
      await db.transaction(async (tx) => {
        if (body.members.length === 0) {
          await tx.execute(sql`delete from creator_teams where creator_id = ${creatorId}`);
        } else {
          await tx.execute(
            sql`insert into creator_teams (creator_id, strategy, updated_by, updated_at)
                values (${creatorId}, ${body.strategy}, ${actor.id}, now())
                on conflict (creator_id) do update set strategy = excluded.strategy,
                  updated_by = excluded.updated_by, updated_at = now()`,
          );
        }
        // Shift rows first, in id order, as assignment locks them: no deadlock with a pass.
        for (const member of [...body.members].sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
          await tx.execute(
            member.capacity === undefined
              ? sql`insert into chatter_shifts (user_id) values (${member.userId}) on conflict do nothing`
              : sql`insert into chatter_shifts (user_id, capacity) values (${member.userId}, ${member.capacity})
                    on conflict (user_id) do update set capacity = excluded.capacity`,
          );
        }
        const keep = body.members.map((m) => m.userId);
        await tx.execute(
          keep.length === 0
            ? sql`delete from team_members where creator_id = ${creatorId}`
            : sql`delete from team_members where creator_id = ${creatorId}
                  and user_id not in (${sql.join(
                    keep.map((id) => sql`${id}::uuid`),
                    sql`, `,
                  )})`,
        );
        for (const member of body.members) {
          await tx.execute(
            sql`insert into team_members (creator_id, user_id) values (${creatorId}, ${member.userId})
                on conflict do nothing`,
          );
        }
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'team.update',
          creatorId,
          targetType: 'creator',
          targetId: creatorId,
          data: { strategy: body.strategy, members: body.members },
        });
      });
      void deps.assigner.kick();
      return team(creatorId);
    },

    getShift: (actor: Actor) => shift(actor.id),

    /**
     * On duty: waiting conversations may come to this person at once. Off duty: the
     * conversations they hold at creators with a team go back to the queue and on to whoever
     * is on duty (or wait, visibly, for someone to be).
     */
    async putShift(actor: Actor, body: { onDuty: boolean }) {
      authorize(actor, 'shift:update');
      const released = await db.transaction(async (tx) => {
        // Locks the shift row: an assignment to this person in flight finishes first.
        await tx.execute(
          sql`insert into chatter_shifts (user_id, on_duty, changed_at) values (${actor.id}, ${body.onDuty}, now())
              on conflict (user_id) do update set on_duty = excluded.on_duty, changed_at = now()`,
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: body.onDuty ? 'shift.on_duty' : 'shift.off_duty',
          targetType: 'user',
          targetId: actor.id,
        });
        if (body.onDuty) return [];
        return selectRows<{
          id: string;
          creator_id: string;
          status: 'human' | 'escalated';
          escalation_reason: string | null;
          snoozed_until: Date | string | null;
        }>(
          tx,
          sql`update conversations c set assigned_to = null
              where c.assigned_to = ${actor.id} and c.status in ('human','escalated')
                and exists (select 1 from creator_teams t where t.creator_id = c.creator_id)
              returning c.id, c.creator_id, c.status, c.escalation_reason, c.snoozed_until`,
        );
      });
      for (const c of released) {
        await deps.publisher.emit({ creatorId: c.creator_id, conversationId: c.id }, 'conversation:update', {
          conversationId: c.id,
          status: c.status,
          assignedTo: null,
          snoozedUntil: c.snoozed_until ? iso(c.snoozed_until) : null,
          escalationReason: c.escalation_reason as never,
        });
      }
      await deps.assigner.kick();
      return { ...(await shift(actor.id)), ...(body.onDuty ? {} : { released: released.length }) };
    },

    /** What waits for a person at creators with a team, and who could take it. */
    async queue(actor: Actor) {
      authorize(actor, 'team:manage');
      const scope = (column: ReturnType<typeof sql.raw>) => creatorScope(actor, column);
      const waiting = await selectRows<{
        id: string;
        creator_id: string;
        creator_name: string;
        fan_name: string;
        status: 'human' | 'escalated';
        escalation_reason: string | null;
        since: Date | string;
      }>(
        db,
        sql`select c.id, c.creator_id, cr.name as creator_name, f.display_name as fan_name, c.status,
              c.escalation_reason, coalesce(c.last_message_at, c.created_at) as since
            from conversations c join creators cr on cr.id = c.creator_id join fans f on f.id = c.fan_id
            where c.assigned_to is null and c.status in ('human','escalated') and c.resolved_at is null
              and exists (select 1 from creator_teams t where t.creator_id = c.creator_id)
              and ${scope(sql.raw('c.creator_id'))}
            order by c.created_at, c.id limit 200`,
      );
      const assigned = await selectRows<{
        id: string;
        creator_id: string;
        creator_name: string;
        fan_name: string;
        status: 'human' | 'escalated';
        escalation_reason: string | null;
        since: Date | string;
        assigned_to: string;
        email: string;
      }>(
        db,
        sql`select c.id, c.creator_id, cr.name as creator_name, f.display_name as fan_name, c.status,
              c.escalation_reason, coalesce(c.last_message_at, c.created_at) as since, c.assigned_to, u.email
            from conversations c join creators cr on cr.id = c.creator_id join fans f on f.id = c.fan_id
              join users u on u.id = c.assigned_to
            where c.status in ('human','escalated') and c.resolved_at is null
              and exists (select 1 from creator_teams t where t.creator_id = c.creator_id)
              and ${scope(sql.raw('c.creator_id'))}
            order by c.created_at, c.id limit 200`,
      );
      const teams = await selectRows<{ creator_id: string; creator_name: string }>(
        db,
        sql`select t.creator_id, cr.name as creator_name from creator_teams t
            join creators cr on cr.id = t.creator_id
            where ${scope(sql.raw('t.creator_id'))}
            order by cr.name`,
      );
      const creators = [];
      for (const t of teams) {
        const info = await team(t.creator_id);
        creators.push({
          creatorId: t.creator_id,
          creatorName: t.creator_name,
          waiting: waiting.filter((w) => w.creator_id === t.creator_id).length,
          onDuty: info.members.filter((m) => m.onDuty).length,
          online: info.members.filter((m) => m.online).length,
        });
      }
      return {
        waiting: waiting.map((w) => ({
          conversationId: w.id,
          creatorId: w.creator_id,
          creatorName: w.creator_name,
          fanName: w.fan_name,
          status: w.status,
          escalationReason: w.escalation_reason,
          since: iso(w.since),
        })),
        assigned: assigned.map((a) => ({
          conversationId: a.id,
          creatorId: a.creator_id,
          creatorName: a.creator_name,
          fanName: a.fan_name,
          status: a.status,
          escalationReason: a.escalation_reason,
          since: iso(a.since),
          assignedTo: { userId: a.assigned_to, email: a.email },
        })),
        creators,
      };
    },

    /**
     * A supervisor hands a conversation that needs a person to someone, waiting or held. The
     * row is locked `FOR UPDATE` (an auto-assignment pass in flight on it finishes first) and
     * changed only if it still needs a person and is held by whom the caller saw (`from`): a
     * conversation is never handed out twice behind anyone's back.
     */
    async assignByHand(actor: Actor, conversationId: string, body: HandAssignBody) {
      const [found] = await selectRows<{ creator_id: string }>(
        db,
        sql`select creator_id from conversations where id = ${conversationId}`,
      );
      if (!found) throw new NotFound('Conversation');
      authorize(actor, 'team:manage', { creatorId: found.creator_id });
      await worker(body.userId, found.creator_id, 'userId');
      const updated = await db.transaction(async (tx) => {
        // No join in the locking read: after waiting on the lock PostgreSQL rechecks the
        // conversation's new version but would keep the joined rows it read before the wait.
        const [current] = await selectRows<{
          status: string;
          resolved_at: Date | string | null;
          assigned_to: string | null;
        }>(
          tx,
          sql`select status, resolved_at, assigned_to from conversations
              where id = ${conversationId} for update`,
        );
        if (!current || !['human', 'escalated'].includes(current.status) || current.resolved_at !== null)
          throw new Conflict('This conversation no longer waits for a person');
        if (current.assigned_to !== body.from) {
          if (current.assigned_to === null)
            throw new Conflict(
              'This conversation went back to the queue meanwhile: look again before handing it out',
            );
          const [holder] = await selectRows<{ email: string }>(
            tx,
            sql`select email from users where id = ${current.assigned_to}`,
          );
          throw new Conflict(
            `Someone else handed it out first: ${holder?.email ?? 'another person'} has it now`,
          );
        }
        const [row] = await selectRows<{
          creator_id: string;
          status: 'human' | 'escalated';
          escalation_reason: string | null;
          snoozed_until: Date | string | null;
        }>(
          tx,
          sql`update conversations set assigned_to = ${body.userId}
              where id = ${conversationId}
              returning creator_id, status, escalation_reason, snoozed_until`,
        );
        // Their turn counts as taken, as with an automatic assignment.
        await tx.execute(
          sql`update team_members set last_assigned_at = now()
              where creator_id = ${found.creator_id} and user_id = ${body.userId}`,
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'conversation.assign',
          creatorId: found.creator_id,
          conversationId,
          targetType: 'conversation',
          targetId: conversationId,
          data: { from: { assignedTo: current.assigned_to }, to: { assignedTo: body.userId }, byHand: true },
        });
        return row!;
      });
      await deps.publisher.emit({ creatorId: updated.creator_id, conversationId }, 'conversation:update', {
        conversationId,
        status: updated.status,
        assignedTo: body.userId,
        snoozedUntil: updated.snoozed_until ? iso(updated.snoozed_until) : null,
        escalationReason: updated.escalation_reason as never,
      });
      // Someone's load went down: waiting work may go to them now.
      if (body.from) void deps.assigner.kick();
      const held = await shift(body.userId);
      return {
        conversationId,
        status: updated.status,
        assignedTo: body.userId,
        load: held.load,
        capacity: held.capacity,
      };
    },
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
