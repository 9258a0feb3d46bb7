import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, Invalid, NotFound, storableText } from '@velvet/shared';

/** No client or platform nests its payloads this deep; deeper ones would overflow the walkers behind. */
const MAX_DEPTH = 64;

/** Iterative, so a 10,000-level body cannot overflow the stack while being measured. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The depth limit, for anything parsed from JSON before it reaches a schema or a walker. */
export function refuseDeep(value: unknown): void {
  if (nestedDeeperThan(value, MAX_DEPTH))
    throw new Invalid(`The body is nested deeper than ${MAX_DEPTH} levels`);
}

/** After the JSON parser: every body the API reads is within the depth limit. */
export const refuseDeepBodies: RequestHandler = (req, _res, next) => {
  refuseDeep(req.body);
  next();
};

/** A body that is well-formed JSON but breaks the schema: 422 naming each bad field. */
export class ValidationFailed extends AppError {
  constructor(issues: { path: string; message: string }[]) {
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(422, 'validation_failed', summary, { fields: issues });
  }
}

/** `prefix` names where `body` sits in the request (`credentials` → `credentials.botToken`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(storableText(body ?? {}));
  if (result.success) return result.data;
  throw new ValidationFailed(
    result.error.issues.map((issue) => ({
      path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

const uuid = z.uuid();

/** Whether a value is a row id (a UUID) before it reaches a query that would fail on it. */
export function isUuid(value: unknown): value is string {
  return uuid.safeParse(value).success;
}

/** Route ids that cannot exist (not a UUID) are simply not found. */
export function parseId(value: unknown, what: string): string {
  const result = uuid.safeParse(value);
  if (!result.success) throw new NotFound(what);
  return result.data;
}
