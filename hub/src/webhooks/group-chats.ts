import { replyLanguage, type AccountRecord, type InboundMessage } from '@velvet/shared';
import type { PlatformConnector, StoredCredentials } from '@velvet/platforms';
import type { HubContext } from '../context';

const NOTICE_EVERY_SECONDS = 24 * 3600;

/**
 * Messages from group chats the bot was added to. Off (the default): they are not stored,
 * and the group is told once a day that the creator chats in private. On: the group is
 * one conversation in the inbox, for humans (the inbound job automates nothing there).
 */
export function createGroupChats(ctx: HubContext) {
  return {
    enabled: (account: AccountRecord) => account.settings.groups === true,

    /** The group as the conversation's "fan", each line signed by its writer. */
    asConversation(message: InboundMessage & { group: { title: string } }): InboundMessage {
      return {
        ...message,
        fan: {
          platformUserId: `group:${message.chatId}`,
          displayName: message.group.title || `Group ${message.chatId}`,
        },
        text: `${message.fan.displayName}: ${message.text}`,
      };
    },

    async notice(
      account: AccountRecord,
      connector: PlatformConnector,
      credentials: StoredCredentials,
      message: InboundMessage,
    ): Promise<void> {
      const key = `${ctx.redisPrefix}:group-notice:${account.id}:${message.chatId}`;
      if ((await ctx.redis.set(key, '1', 'EX', NOTICE_EVERY_SECONDS, 'NX')) !== 'OK') return;
      const lang = replyLanguage(undefined, message.fan.language);
      const text = ctx.config.safety.replies.private_only[lang];
      // A courtesy: the webhook is answered whatever the platform says.
      await connector
        .send(credentials, { chatId: message.chatId, text })
        .catch((error: unknown) =>
          ctx.logger.warn({ err: error, accountId: account.id }, 'group notice failed'),
        );
    },
  };
}

export type GroupChats = ReturnType<typeof createGroupChats>;
