export {
  createTelegramConnector,
  TELEGRAM_ALLOWED_UPDATES,
  TELEGRAM_SECRET_HEADER,
  TELEGRAM_MAX_DOWNLOAD_BYTES,
  type TelegramBotIdentity,
  type TelegramConnectCredentials,
  type TelegramConnector,
  type TelegramConnectorOptions,
  type TelegramCredentials,
} from './telegram/telegram.connector';
export { parseTelegramUpdate } from './telegram/telegram.parse';
export * from './telegram/telegram.schema';
export * from './registry';
