/*
 * The browser-safe half of shared: names, payloads, request and response schemas and the
 * authorization rules, with no server code behind them. The inbox UI imports only this
 * (`@velvet/shared/contract`); the server core (database, queues, relay, sales) stays in
 * `@velvet/shared`.
 */
export * from './domain';
export * from './events';
export * from './jobs';
export * from './platform';
export * from './reply-language';
export * from './auth/policy';
export * from './schemas/auth.schema';
export * from './schemas/users.schema';
export * from './schemas/creators.schema';
export * from './schemas/accounts.schema';
export * from './schemas/sales.schema';
export * from './schemas/responses.schema';
export * from './text';
export * from './schemas/activity.schema';
export * from './schemas/home.schema';
// Publishing: posts, the media library, and the text limits the post editor counts live.
export * from './publishing/planner';
export * from './publishing/post';
export * from './publishing/text-limits';
export * from './publishing/zoned-time';
export * from './schemas/media.schema';
export * from './schemas/posts.schema';
export * from './schemas/calendar.schema';
export * from './schemas/planner.schema';
export * from './schemas/trends.schema';
// Analytics: the route schemas and the recommendations' FR/EN sentences (no model code).
export * from './schemas/analytics.schema';
export * from './analytics/texts';
