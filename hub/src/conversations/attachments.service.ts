import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  accountsRepo,
  AppError,
  Conflict,
  messagesRepo,
  NotFound,
  PlatformError,
  Upstream,
  type Actor,
  type AttachmentKind,
  type MessageAttachment,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import type { ReceivedUpload } from '../http/multipart';
import { sniffFileType } from '../http/file-types';
import { parseBody } from '../http/validate';
import { attachmentUploadFields } from './attachments.schema';
import type { ConversationsService } from './conversations.service';

/** Operators' uploads: the chat platforms take photos up to 10 MB; one limit keeps it simple. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const UPLOADS = 'uploads';

export interface AttachmentDeps {
  connectors: Connectors;
  conversations: Pick<ConversationsService, 'load' | 'reply'>;
}

export interface AttachmentStream {
  body: Readable;
  contentType: string;
  size?: number;
  fileName: string;
  /** Shown in the page (images, audio, video) or downloaded (everything else). */
  inline: boolean;
}

const TYPE_BY_KIND: Record<AttachmentKind, string> = {
  photo: 'image/jpeg',
  sticker: 'image/webp',
  voice: 'audio/ogg',
  audio: 'audio/mpeg',
  video: 'video/mp4',
  document: 'application/octet-stream',
};
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
};
/** The usual file extension for a content type (`bin` when unknown). */
export function fileExtension(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin';
}

/** Types a browser renders without running anything: no SVG, no HTML. */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+)$/;
const MIME_TYPE = /^[a-z0-9][\w.+-]*\/[\w.+-]+$/i;

/**
 * A message's files, both ways: a fan's file streamed from the platform through the hub
 * (the platform's URL carries the bot token), and an operator's upload kept under
 * MEDIA_DIR and queued for the outbound worker like any reply.
 */
export function createAttachmentsService(ctx: HubContext, deps: AttachmentDeps) {
  const { db } = ctx;
  const mediaDir = path.resolve(ctx.env.MEDIA_DIR);

  function localPath(mediaKey: string): string {
    const resolved = path.resolve(mediaDir, mediaKey);
    if (!resolved.startsWith(mediaDir + path.sep)) throw new NotFound('Attachment');
    return resolved;
  }

  async function fromPlatform(accountId: string, fileId: string, size: number) {
    const account = await accountsRepo.findById(db, accountId);
    if (!account) throw new NotFound('Attachment');
    // Disconnecting dropped the credentials: the platform cannot be asked, and has not failed.
    if (account.status === 'disconnected') {
      throw new Conflict(`The ${account.platform} account is disconnected: reconnect it to open its files`);
    }
    const connector = deps.connectors.get(account.platform);
    if (!connector?.fetchFile) throw new Upstream(`Files from ${account.platform} are not supported yet`);
    const limit = connector.capabilities.media.maxDownloadBytes;
    if (limit !== undefined && size > limit) throw fileTooLarge(account.platform, limit);
    const credentials = ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc);
    try {
      return await connector.fetchFile(credentials, fileId);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      if (error.code === 'file_too_large') {
        throw fileTooLarge(account.platform, connector.capabilities.media.maxDownloadBytes ?? 0);
      }
      // The connector's messages never contain the token.
      throw new Upstream(`The platform could not give the file: ${error.message}`);
    }
  }

  return {
    /** The bytes of a message's `index`th file, for a caller who may read the conversation. */
    async open(actor: Actor, messageId: string, index: number): Promise<AttachmentStream> {
      const message = await messagesRepo.findById(db, messageId);
      if (!message) throw new NotFound('Message');
      await deps.conversations.load(actor, message.conversationId, 'conversation:read');
      const attachment = message.attachments[index];
      if (!attachment) throw new NotFound('Attachment');
      const declared =
        attachment.mimeType && MIME_TYPE.test(attachment.mimeType) ? attachment.mimeType : undefined;
      const contentType = (declared ?? TYPE_BY_KIND[attachment.kind]).toLowerCase();
      const fileName = attachment.fileName || `${attachment.kind}-${index + 1}.${fileExtension(contentType)}`;
      const inline = INLINE_TYPES.test(contentType);

      if (attachment.fileId === undefined) {
        const file = localPath(attachment.mediaKey);
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) throw new NotFound('Attachment');
        return { body: createReadStream(file), contentType, size: info.size, fileName, inline };
      }
      const fetched = await fromPlatform(message.accountId, attachment.fileId, attachment.size ?? 0);
      const body = Buffer.isBuffer(fetched.body)
        ? Readable.from(fetched.body)
        : fetched.body instanceof ReadableStream
          ? Readable.fromWeb(fetched.body as import('node:stream/web').ReadableStream)
          : Readable.from(fetched.body);
      return { body, contentType, ...(fetched.size ? { size: fetched.size } : {}), fileName, inline };
    },

    /**
     * An operator's photo or file, with an optional caption: kept under MEDIA_DIR, then
     * staged like a typed reply (same idempotency key rule), sent by the outbound worker.
     */
    async send(
      actor: Actor,
      conversationId: string,
      receive: (dir: string) => Promise<ReceivedUpload>,
    ): Promise<{ messageId: string }> {
      const conversation = await deps.conversations.load(actor, conversationId, 'conversation:reply');
      const { file, fields } = await receive(path.join(mediaDir, UPLOADS));
      let kept = false;
      try {
        const { caption, clientMessageId } = parseBody(attachmentUploadFields, fields);
        const sniffed = sniff(file.head);
        const declared = MIME_TYPE.test(file.declaredType) ? file.declaredType.toLowerCase() : undefined;
        const mimeType = sniffed ?? declared ?? 'application/octet-stream';
        const kind: AttachmentKind = sniffed ? 'photo' : 'document';
        const mediaKey = `${UPLOADS}/${randomUUID()}`;
        await mkdir(path.dirname(localPath(mediaKey)), { recursive: true });
        await rename(file.path, localPath(mediaKey));
        kept = true;
        const attachment: MessageAttachment = {
          kind,
          mediaKey,
          mimeType,
          fileName: safeName(file.fileName),
          size: file.size,
        };
        const sent = await deps.conversations.reply(actor, {
          conversationId: conversation.id,
          text: caption,
          clientMessageId,
          attachments: [attachment],
        });
        // A retried upload with a used key: the first copy is the one that goes out.
        if (!sent.created) await rm(localPath(mediaKey), { force: true });
        return { messageId: sent.messageId };
      } finally {
        if (!kept) await rm(file.path, { force: true });
      }
    },
  };
}

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;

function fileTooLarge(platform: string, limit: number): AppError {
  const size = limit > 0 ? ` up to ${limit / 1024 / 1024} MB` : '';
  return new AppError(
    422,
    'file_too_large',
    `${platform} lets bots download files${size}; open this one on ${platform}`,
  );
}

/** The image formats chat platforms show as photos, recognised by their first bytes. */
const PHOTO_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp']);
function sniff(head: Buffer): string | undefined {
  const type = sniffFileType(head);
  return type && PHOTO_TYPES.has(type) ? type : undefined;
}

/** A display name without paths or control characters, at most 128 characters. */
function safeName(name: string): string {
  const base = path
    .basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go.
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'file').slice(0, 128);
}
