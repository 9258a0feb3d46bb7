import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import {
  auditRepo,
  Conflict,
  enqueue,
  EventLog,
  NotFound,
  type Action,
  type Actor,
  type InboxPublisher,
  type Queues,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import { createAttachmentsService, fileExtension } from '../conversations/attachments.service';
import type { ConversationsService } from '../conversations/conversations.service';
import { authorize } from '../http/authorize';
import { parseBody, ValidationFailed } from '../http/validate';
import { eraseFanRows, type ErasedFan } from './fan-erase.query';
import { fanDataset, type ExportedFile } from './fan-export.query';
import { findFanWithCreator } from './fan-panel.query';
import { eraseFanBody } from './fan-rights.schema';
import { forgetJobs } from './forget-jobs';
import { TarGzWriter } from './tar-gz';

export interface FanRightsDeps {
  connectors: Connectors;
  conversations: Pick<ConversationsService, 'load' | 'reply'>;
  queues: Queues;
  publisher: InboxPublisher;
}

/** The fan's GDPR rights, answered by an admin: access (an archive) and erasure. */
export function createFanRightsService(ctx: HubContext, deps: FanRightsDeps) {
  const attachments = createAttachmentsService(ctx, deps);
  const events = new EventLog(ctx.redis, ctx.redisPrefix);
  const mediaDir = path.resolve(ctx.env.MEDIA_DIR);

  async function load(actor: Actor, fanId: string, action: Action) {
    const row = await findFanWithCreator(ctx.db, fanId);
    if (!row) throw new NotFound('Fan');
    authorize(actor, action, { creatorId: row.creatorId });
    return row;
  }

  /** Removes what must not outlive the rows: files, queued jobs, replayable events, chat keys. */
  async function afterErase(erased: ErasedFan) {
    let files = 0;
    for (const key of erased.mediaKeys) {
      const file = path.resolve(mediaDir, key);
      if (!file.startsWith(mediaDir + path.sep)) continue;
      await rm(file, { force: true });
      files++;
    }
    const jobs = await forgetJobs(deps.queues, erased);
    // The fan's vectors in the conversation memory: deleted by a worker, retried until done.
    if (ctx.env.OLLAMA_EMBED_MODEL) {
      await enqueue(deps.queues, { name: 'memory.forget', data: { fanId: erased.fanId } });
    }
    const logged = await events.forget([...erased.conversationIds, ...erased.messageIds, ...erased.draftIds]);
    const chatKeys = erased.platformChatIds.map(
      (chatId) => `${ctx.redisPrefix}:group-notice:${erased.accountId}:${chatId}`,
    );
    if (chatKeys.length > 0) await ctx.redis.del(...chatKeys);
    return { files, jobs, events: logged };
  }

  return {
    /** Checks access before anything is written, so a refusal is still a JSON error. */
    async prepareExport(actor: Actor, fanId: string, ip: string | undefined) {
      const row = await load(actor, fanId, 'fan:export');
      const dataset = await fanDataset(ctx.db, fanId);
      if (!dataset) throw new NotFound('Fan');
      await auditRepo.record(ctx.db, {
        actorId: actor.id,
        action: 'fan.export',
        creatorId: row.creatorId,
        targetType: 'fan',
        targetId: fanId,
        data: {
          creatorId: row.creatorId,
          messages: dataset.data.messages.length,
          media: dataset.media.length,
        },
        ip: ip ?? null,
      });

      /** Writes the archive: the fan's files under `media/`, then `fan.json` listing them. */
      async function write(out: Writable): Promise<void> {
        const tar = new TarGzWriter(out);
        const listed: ExportedFile[] = [];
        for (const { message, index } of dataset!.media) {
          try {
            const file = await attachments.open(actor, message.id, index);
            const chunks: Buffer[] = [];
            for await (const chunk of file.body) chunks.push(Buffer.from(chunk as Uint8Array));
            const name = `media/${message.id}-${index + 1}.${fileExtension(file.contentType)}`;
            await tar.add(name, Buffer.concat(chunks), message.createdAt);
            listed.push({ messageId: message.id, index, path: name });
          } catch (error) {
            // A file the platform no longer gives is named in the archive, not a failed export.
            listed.push({ messageId: message.id, index, path: null, error: (error as Error).message });
          }
        }
        dataset!.data.media = listed;
        await tar.add('fan.json', JSON.stringify(dataset!.data, null, 2) + '\n');
        await tar.finish();
      }
      return { fileName: `fan-${fanId}.tar.gz`, write };
    },

    /** Authorizes first: someone who may not erase learns nothing from the body's check. */
    async erase(actor: Actor, fanId: string, body: unknown, ip: string | undefined) {
      const { fan, creatorId } = await load(actor, fanId, 'fan:erase');
      if (fan.erasedAt) throw new Conflict('This fan was already erased');
      const { confirm } = parseBody(eraseFanBody, body);
      const expected = fan.displayName.trim() || fan.id;
      if (confirm.trim() !== expected) {
        throw new ValidationFailed([
          {
            path: 'confirm',
            message: fan.displayName.trim()
              ? 'must be the fan’s display name, exactly'
              : 'must be the fan’s id (the fan has no display name)',
          },
        ]);
      }
      const now = ctx.now();
      const erased = await ctx.db.transaction(async (tx) => {
        const result = await eraseFanRows(tx, fanId, now);
        if (!result) throw new Conflict('This fan was already erased');
        // Counts and ids only: the log must not keep what was erased.
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'fan.erase',
          creatorId,
          targetType: 'fan',
          targetId: fanId,
          data: {
            creatorId,
            conversations: result.conversationIds.length,
            messages: result.messages,
            drafts: result.drafts,
            intentCorrections: result.intentCorrections,
          },
          ip: ip ?? null,
        });
        return result;
      });
      const cleaned = await afterErase(erased);
      for (const conversationId of erased.conversationIds) {
        const target = { creatorId, conversationId };
        await deps.publisher.emit(target, 'conversation:update', { conversationId, status: 'closed' });
      }
      await deps.publisher.emit({ creatorId }, 'fan:erased', {
        fanId,
        creatorId,
        conversationIds: erased.conversationIds,
      });
      return {
        fanId,
        erasedAt: now.toISOString(),
        conversations: erased.conversationIds.length,
        messages: erased.messages,
        drafts: erased.drafts,
        mediaFiles: cleaned.files,
        jobs: cleaned.jobs,
        events: cleaned.events,
      };
    },
  };
}

export type FanRightsService = ReturnType<typeof createFanRightsService>;
