import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Anything that could carry a secret is censored before a log line is written. */
export const REDACT_PATHS = [
  // Platforms authenticate webhooks with headers of their own: none is ever worth a log line.
  'req.headers.*',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'botToken',
  '*.botToken',
  'apiKey',
  '*.apiKey',
  'appPassword',
  '*.appPassword',
  'webhookSecret',
  '*.webhookSecret',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'velvet' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
