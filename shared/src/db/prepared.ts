import type { Db } from './client';

/** Per database handle (or transaction), the statements built for it, by name. */
const built = new WeakMap<Db, Map<string, unknown>>();

/**
 * What drizzle's `.prepare(name)` produced the first time, by name: its SQL text and
 * parameters, and how rows map back. Another handle (every transaction is a new one) gets
 * the same statement from its session without building the SQL again.
 */
interface Template {
  query: { sql: string; params: unknown[] };
  fields: unknown;
  arrayMode: boolean;
  customResultMapper: unknown;
  joinsNotNullableMap: unknown;
  queryMetadata: unknown;
  cacheConfig: unknown;
}
const templates = new Map<string, Template>();

/** The fields drizzle's prepared queries (node-postgres and PGlite alike) carry. */
interface DrizzlePrepared {
  queryString: string;
  params: unknown[];
  fields: unknown;
  _isResponseInArrayMode: boolean;
  customResultMapper: unknown;
  joinsNotNullableMap: unknown;
  queryMetadata: unknown;
  cacheConfig: unknown;
}

interface PreparingSession {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: unknown,
    name: string,
    arrayMode: boolean,
    customResultMapper: unknown,
    queryMetadata: unknown,
    cacheConfig: unknown,
  ): DrizzlePrepared;
}

/**
 * A drizzle prepared statement (built with `sql.placeholder`s and `.prepare(name)`),
 * assembled once per process: drizzle builds its SQL once, and PostgreSQL parses and plans
 * it once per connection. Inside a transaction (a new handle each time) it is bound to that
 * transaction's connection from the SQL already built, and still skips PostgreSQL's parse
 * and plan. `name` must be unique to `build`.
 */
export function prepareOnce<T>(db: Db, name: string, build: (db: Db) => T): T {
  let statements = built.get(db);
  if (!statements) {
    statements = new Map();
    built.set(db, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (statement) return statement;
  const template = templates.get(name);
  if (template) {
    const prepared = (db._.session as unknown as PreparingSession).prepareQuery(
      template.query,
      template.fields,
      name,
      template.arrayMode,
      template.customResultMapper,
      template.queryMetadata,
      template.cacheConfig,
    );
    prepared.joinsNotNullableMap = template.joinsNotNullableMap;
    statement = prepared as T;
  } else {
    statement = build(db);
    const first = statement as unknown as DrizzlePrepared;
    templates.set(name, {
      query: { sql: first.queryString, params: first.params },
      fields: first.fields,
      arrayMode: first._isResponseInArrayMode,
      customResultMapper: first.customResultMapper,
      joinsNotNullableMap: first.joinsNotNullableMap,
      queryMetadata: first.queryMetadata,
      cacheConfig: first.cacheConfig,
    });
  }
  statements.set(name, statement);
  return statement;
}
