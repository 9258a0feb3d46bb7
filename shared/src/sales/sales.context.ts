import type { VelvetConfig } from '../config/velvet-config';

/** What the sales engine needs from the process it runs in. */
export interface SalesContext {
  config: Pick<VelvetConfig, 'sales' | 'satisfaction'>;
  now: () => Date;
  checkoutKey: Buffer;
}

/** The sales context of a hub or worker process. */
export function salesContext(deps: {
  config: Pick<VelvetConfig, 'sales' | 'satisfaction'>;
  now: () => Date;
  secrets: { checkoutKey: Buffer };
}): SalesContext {
  return { config: deps.config, now: deps.now, checkoutKey: deps.secrets.checkoutKey };
}

/** The languages sales messages are written in (the reply language). */
export type SalesLang = 'fr' | 'en';
