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
export * from './registry';
export { createSandboxConnector, SANDBOX_TOKEN_HEADER } from './sandbox/sandbox.connector';
