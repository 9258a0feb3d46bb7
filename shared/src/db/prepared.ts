import type { Db } from './client';

/** Per database handle (or transaction), the statements built for it, by name. */
const built = new WeakMap<Db, Map<string, unknown>>();

/**
 * A drizzle prepared statement (built with `sql.placeholder`s and `.prepare(name)`),
 * assembled once per database handle: drizzle builds its SQL once, and PostgreSQL parses
 * and plans it once per connection. Inside a transaction it is built for that transaction
 * and still skips PostgreSQL's parse and plan. `name` must be unique to `build`.
 */
export function prepareOnce<T>(db: Db, name: string, build: (db: Db) => T): T {
  let statements = built.get(db);
  if (!statements) {
    statements = new Map();
    built.set(db, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (!statement) {
    statement = build(db);
    statements.set(name, statement);
  }
  return statement;
}
