import { z } from 'zod';
import { AppError, NotFound, storableText } from '@velvet/shared';

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
