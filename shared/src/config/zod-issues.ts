import type { z } from 'zod';

/** "KEY: message; other.key: message" — names the bad key first, for humans at startup. */
export function formatIssues(error: z.ZodError, separator = '.'): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(separator);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
