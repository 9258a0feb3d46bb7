import type { Env } from '@velvet/shared';
import { createTelegramConnector, type TelegramConnector } from './telegram/telegram.connector';

/** Connected platforms, each pointed at its `*_API_ROOT`. Adding a platform adds one line here. */
export interface Connectors {
  telegram: TelegramConnector;
}

export function createConnectors(env: Pick<Env, 'TELEGRAM_API_ROOT'>): Connectors {
  return {
    telegram: createTelegramConnector({ apiRoot: env.TELEGRAM_API_ROOT }),
  };
}
