import { sql } from 'drizzle-orm';
import { auditRepo, conversationsRepo, NotFound, selectRows, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import type { z } from 'zod';
import {
  REPLY_VARIABLES,
  renderReply,
  type savedReplyCreateBody,
  type savedReplyUpdateBody,
} from './saved-replies.schema';

interface Row {
  id: string;
  creator_id: string | null;
  title: string;
  body: string;
  lang: 'fr' | 'en' | null;
  updated_at: Date | string;
}

const present = (r: Row) => ({
  id: r.id,
  creatorId: r.creator_id,
  title: r.title,
  body: r.body,
  lang: r.lang,
  updatedAt: new Date(r.updated_at).toISOString(),
});

const COLUMNS = sql`id, creator_id, title, body, lang, updated_at`;

/** Canned answers: one creator's, or shared by all; people who reply for a creator use both. */
export function createSavedRepliesService(ctx: HubContext) {
  const { db } = ctx;

  async function find(id: string): Promise<Row> {
    const [row] = await selectRows<Row>(db, sql`select ${COLUMNS} from saved_replies where id = ${id}`);
    if (!row) throw new NotFound('Saved reply');
    return row;
  }

  /** A creator's replies and the shared ones; null: every creator in the caller's scope. */
  async function visible(actor: Actor, creatorId: string | null): Promise<Row[]> {
    const own =
      creatorId !== null
        ? sql`creator_id = ${creatorId}`
        : actor.role === 'admin'
          ? sql`creator_id is not null`
          : actor.creatorIds.length === 0
            ? sql`false`
            : sql`creator_id in (${sql.join(
                actor.creatorIds.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`;
    return selectRows<Row>(
      db,
      sql`select ${COLUMNS} from saved_replies where creator_id is null or ${own}
          order by creator_id nulls last, lower(title), id`,
    );
  }

  /** Writing a creator's reply needs that creator in scope; a shared one, the right at all. */
  const write = (actor: Actor, creatorId: string | null) =>
    authorize(actor, 'saved_reply:write', creatorId ? { creatorId } : undefined);

  return {
    async list(actor: Actor, creatorId: string | undefined) {
      authorize(actor, 'conversation:reply', creatorId ? { creatorId } : undefined);
      return { replies: (await visible(actor, creatorId ?? null)).map(present) };
    },

    /** The replies usable in one conversation, with its variables filled in. */
    async forConversation(actor: Actor, conversationId: string) {
      const conversation = await conversationsRepo.findById(db, conversationId);
      if (!conversation) throw new NotFound('Conversation');
      authorize(actor, 'conversation:reply', { creatorId: conversation.creatorId });
      const [names] = await selectRows<{
        fan_name: string;
        fan_username: string | null;
        creator_name: string;
      }>(
        db,
        sql`select f.display_name as fan_name, f.username as fan_username, c.pseudonym as creator_name
            from fans f, creators c where f.id = ${conversation.fanId} and c.id = ${conversation.creatorId}`,
      );
      const values = {
        fan_name: names?.fan_name || names?.fan_username || '',
        fan_username: names?.fan_username ?? '',
        creator_name: names?.creator_name ?? '',
      };
      const rows = await visible(actor, conversation.creatorId);
      return {
        replies: rows.map((r) => ({ ...present(r), text: renderReply(r.body, values) })),
        variables: REPLY_VARIABLES.map((v) => `{${v}}`),
      };
    },

    async create(actor: Actor, input: z.output<typeof savedReplyCreateBody>) {
      write(actor, input.creatorId);
      if (input.creatorId) {
        const [creator] = await selectRows<{ id: string }>(
          db,
          sql`select id from creators where id = ${input.creatorId}`,
        );
        if (!creator) throw new NotFound('Creator');
      }
      return db.transaction(async (tx) => {
        const [row] = await selectRows<Row>(
          tx,
          sql`insert into saved_replies (creator_id, title, body, lang, created_by)
              values (${input.creatorId}, ${input.title}, ${input.body}, ${input.lang ?? null}, ${actor.id})
              returning ${COLUMNS}`,
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'saved_reply.create',
          creatorId: input.creatorId,
          targetType: 'saved_reply',
          targetId: row!.id,
          data: { title: input.title },
        });
        return present(row!);
      });
    },

    async update(actor: Actor, id: string, input: z.output<typeof savedReplyUpdateBody>) {
      const current = await find(id);
      write(actor, current.creator_id);
      return db.transaction(async (tx) => {
        const [row] = await selectRows<Row>(
          tx,
          sql`update saved_replies set
                title = ${input.title ?? current.title},
                body = ${input.body ?? current.body},
                lang = ${input.lang === undefined ? current.lang : input.lang},
                updated_at = now()
              where id = ${id} returning ${COLUMNS}`,
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'saved_reply.update',
          creatorId: current.creator_id,
          targetType: 'saved_reply',
          targetId: id,
          data: { changed: Object.keys(input) },
        });
        return present(row!);
      });
    },

    async remove(actor: Actor, id: string) {
      const current = await find(id);
      write(actor, current.creator_id);
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from saved_replies where id = ${id}`);
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'saved_reply.delete',
          creatorId: current.creator_id,
          targetType: 'saved_reply',
          targetId: id,
          data: { title: current.title },
        });
      });
    },
  };
}

export type SavedRepliesService = ReturnType<typeof createSavedRepliesService>;
