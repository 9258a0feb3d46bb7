import { randomBytes } from 'node:crypto';
import { auditRepo, creatorsRepo, packsRepo, usersRepo, type Env } from '@velvet/shared';
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

/**
 * The embedded demo's first run: one creator with the seed's catalog (config
 * `sales.demo_packs`), so a newcomer can connect a bot and sell at once.
 */
export async function seedDemo(ctx: Pick<HubContext, 'db' | 'logger' | 'config'>): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const creator = await creatorsRepo.create(tx, {
      name: 'Demo creator',
      pseudonym: 'Léa',
      timezone: 'Europe/Paris',
      market: 'FR',
      persona: 'Douce, joueuse et attentionnée.',
    });
    for (const pack of ctx.config.sales.demo_packs) {
      await packsRepo.create(tx, {
        creatorId: creator.id,
        name: pack.name,
        type: pack.type,
        priceCents: Math.round(pack.price * 100),
        currency: pack.currency,
        description: pack.description,
      });
    }
  });
  ctx.logger.info({ packs: ctx.config.sales.demo_packs.length }, 'seeded the demo creator and catalog');
}
