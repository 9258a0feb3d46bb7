import {
  auditRepo,
  Conflict,
  creatorsRepo,
  NotFound,
  refreshTokensRepo,
  usersRepo,
  type Actor,
  type CreateUserBody,
  type PublicUser,
  type UpdateUserBody,
} from '@velvet/shared';
import { presentManagedUser } from '../auth/auth.service';
import type { AccessEvents } from '../auth/session-gate';
import { hashPassword } from '../auth/passwords';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';

export function createUsersService(ctx: HubContext, access: AccessEvents) {
  const { db } = ctx;

  async function knownCreators(creatorIds: string[]): Promise<string[]> {
    const unique = [...new Set(creatorIds)];
    const found = new Set(await creatorsRepo.existing(db, unique));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new ValidationFailed([{ path: 'creatorIds', message: `unknown creator ${missing.join(', ')}` }]);
    }
    return unique;
  }

  return {
    async create(actor: Actor, body: CreateUserBody): Promise<PublicUser> {
      authorize(actor, 'user:create');
      const creatorIds = await knownCreators(body.creatorIds);
      const user = await usersRepo.create(db, {
        email: body.email,
        passwordHash: await hashPassword(body.password),
        role: body.role,
        creatorIds,
      });
      if (!user) throw new Conflict(`A user with email ${body.email} already exists`);
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        data: { email: user.email, role: user.role, creatorIds },
      });
      return presentManagedUser(user);
    },

    async list(actor: Actor): Promise<PublicUser[]> {
      authorize(actor, 'user:list');
      return (await usersRepo.list(db)).map(presentManagedUser);
    },

    /** Role, creator scope or disabled; disabling ends the user's sessions and sockets at once. */
    async update(actor: Actor, id: string, body: UpdateUserBody): Promise<PublicUser> {
      authorize(actor, 'user:update');
      const before = await usersRepo.findById(db, id);
      if (!before) throw new NotFound('User');
      const creatorIds = body.creatorIds === undefined ? undefined : await knownCreators(body.creatorIds);
      const now = ctx.now();
      const disabledAt =
        body.disabled === undefined ? undefined : body.disabled ? (before.disabledAt ?? now) : null;
      const after = await usersRepo.update(db, id, { role: body.role, creatorIds, disabledAt });
      if (after === 'not_found') throw new NotFound('User');
      if (after === 'last_admin') {
        throw new Conflict('This is the last admin who can sign in: make another admin first');
      }
      if (after.disabledAt) await refreshTokensRepo.revokeUser(db, id, now);
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'user.update',
        targetType: 'user',
        targetId: id,
        data: { ...body, ...(creatorIds ? { creatorIds } : {}) },
      });
      const changed =
        before.role !== after.role ||
        (before.disabledAt === null) !== (after.disabledAt === null) ||
        before.creatorIds.length !== after.creatorIds.length ||
        before.creatorIds.some((c) => !after.creatorIds.includes(c));
      if (changed) await access.userChanged(id);
      return presentManagedUser(after);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
