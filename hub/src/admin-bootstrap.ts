import { randomBytes } from 'node:crypto';
import { auditRepo, usersRepo, type Env } from '@velvet/shared';
import { hashPassword } from './auth/passwords';
import type { HubContext } from './context';

export const DEFAULT_ADMIN_EMAIL = 'admin@velvet.local';

/**
 * The first admin, created only while no user exists. A generated password is shown
 * once, on this first start, and never again.
 */
export async function bootstrapAdmin(
  ctx: Pick<HubContext, 'db' | 'logger'>,
  env: Pick<Env, 'VELVET_ADMIN_EMAIL' | 'VELVET_ADMIN_PASSWORD'>,
): Promise<{ email: string; password?: string } | undefined> {
  if ((await usersRepo.count(ctx.db)) > 0) return undefined;
  const email = (env.VELVET_ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  const generated = env.VELVET_ADMIN_PASSWORD ? undefined : randomBytes(12).toString('base64url');
  const password = env.VELVET_ADMIN_PASSWORD ?? generated!;
  const user = await usersRepo.create(ctx.db, {
    email,
    passwordHash: await hashPassword(password),
    role: 'admin',
    creatorIds: [],
  });
  if (!user) return undefined; // Another process created it at the same moment.
  await auditRepo.record(ctx.db, {
    actorId: user.id,
    action: 'user.bootstrap_admin',
    targetType: 'user',
    targetId: user.id,
  });
  ctx.logger.info({ email }, 'created the first admin account');
  return { email, password: generated };
}
