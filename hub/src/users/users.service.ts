import {
  auditRepo,
  Conflict,
  creatorsRepo,
  usersRepo,
  type Actor,
  type CreateUserBody,
  type PublicUser,
} from '@velvet/shared';
import { presentUser } from '../auth/auth.service';
import { hashPassword } from '../auth/passwords';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';

export function createUsersService(ctx: HubContext) {
  const { db } = ctx;
  return {
    async create(actor: Actor, body: CreateUserBody): Promise<PublicUser> {
      authorize(actor, 'user:create');
      const creatorIds = [...new Set(body.creatorIds)];
      const found = new Set(await creatorsRepo.existing(db, creatorIds));
      const missing = creatorIds.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new ValidationFailed([
          { path: 'creatorIds', message: `unknown creator ${missing.join(', ')}` },
        ]);
      }
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
      return presentUser(user);
    },

    async list(actor: Actor): Promise<PublicUser[]> {
      authorize(actor, 'user:list');
      return (await usersRepo.list(db)).map(presentUser);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
