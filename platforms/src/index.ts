export * from './connector';
export {
  createTelegramConnector,
  telegramCredentials,
  TELEGRAM_ALLOWED_UPDATES,
  TELEGRAM_SECRET_HEADER,
  TELEGRAM_MAX_DOWNLOAD_BYTES,
  type TelegramConnector,
  type TelegramConnectorOptions,
  type TelegramCredentials,
} from './telegram/telegram.connector';
export { parseTelegramUpdate } from './telegram/telegram.parse';
export * from './telegram/telegram.schema';
export {
  createOnlyFansConnector,
  onlyfansCredentials,
  ppvPrice,
  type OnlyFansConnector,
  type OnlyFansConnectorOptions,
} from './onlyfans/onlyfans.connector';
export type { OnlyFansProvider, ProviderEvent, ProviderCredentials } from './onlyfans/onlyfans.provider';
export { createOnlyFansApiProvider, ONLYFANSAPI_SIGNATURE_HEADER } from './onlyfans/onlyfansapi.provider';
export {
  createFanvueConnector,
  fanvueCredentials,
  type FanvueConnector,
  type FanvueConnectorOptions,
} from './fanvue/fanvue.connector';
export { parseFanvueEvent } from './fanvue/fanvue.events';
export { verifyFanvueSignature, fanvueSignature } from './fanvue/fanvue.signature';
export {
  createDiscordConnector,
  discordCredentials,
  DISCORD_SIGNATURE_HEADER,
  DISCORD_TIMESTAMP_HEADER,
  type DiscordConnector,
} from './discord/discord.connector';
export * from './registry';
export { createSandboxConnector, SANDBOX_TOKEN_HEADER } from './sandbox/sandbox.connector';
export * from './publisher';
export { POST_RULES, PUBLISH_PROFILES, owesDailyReel } from './publishing/post-rules';
export { xWeightedLength, X_MAX_WEIGHTED_LENGTH } from './x/x.post-rules';
export { createPublishers, type Publishers } from './publishers';
export { createSandboxPublisher } from './sandbox/sandbox.publisher';
export { createBlueskyPublisher } from './bluesky/bluesky.publisher';
