import { randomInt } from 'node:crypto';
import {
  auditRepo,
  NotFound,
  refreshTokensRepo,
  usersRepo,
  type Actor,
  type ChangePasswordBody,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';
import type { ClientMeta } from './auth.service';
import type { LoginLimiter } from './login-limiter';
import { hashPassword, verifyPassword } from './passwords';
import type { AccessEvents } from './session-gate';

/** No 0/O or 1/l/I: read aloud or copied by hand without a mistake. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 20 characters in groups of 5 (about 115 bits). */
export function temporaryPassword(): string {
  const chars = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

export function createPasswordService(ctx: HubContext, limiter: LoginLimiter, access: AccessEvents) {
  const { db } = ctx;

  return {
    /**
     * An admin's reset: a temporary password, returned once and stored only as a hash; the
     * user's sign-ins and sockets end, and the next sign-in must change it.
     */
    async reset(actor: Actor, userId: string, meta: ClientMeta): Promise<{ temporaryPassword: string }> {
      authorize(actor, 'user:update');
      const user = await usersRepo.findById(db, userId);
      if (!user) throw new NotFound('User');
      const temporary = temporaryPassword();
      await usersRepo.setPassword(db, userId, await hashPassword(temporary), true);
      await refreshTokensRepo.revokeUser(db, userId, ctx.now());
      await access.userChanged(userId);
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'user.password_reset',
        targetType: 'user',
        targetId: userId,
        ip: meta.ip,
      });
      return { temporaryPassword: temporary };
    },

    /**
     * Anyone's own change, proved by the current password and limited like a sign-in; every
     * other sign-in of theirs ends, with its sockets.
     */
    async change(
      actor: Actor & { email: string; sessionId: string },
      body: ChangePasswordBody,
      meta: ClientMeta,
    ): Promise<void> {
      await limiter.admit(meta.ip, actor.email);
      const user = await usersRepo.findById(db, actor.id);
      if (!user) throw new NotFound('User');
      if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
        await limiter.recordFailure(actor.email);
        await auditRepo.record(db, { actorId: actor.id, action: 'auth.password_change_failed', ip: meta.ip });
        throw new ValidationFailed([{ path: 'currentPassword', message: 'is not your current password' }]);
      }
      await limiter.recordSuccess(actor.email);
      await usersRepo.setPassword(db, actor.id, await hashPassword(body.newPassword), false);
      await refreshTokensRepo.revokeUserExcept(db, actor.id, actor.sessionId, ctx.now());
      // Ends every socket of the user; this sign-in's own reconnect, the others cannot.
      await access.userChanged(actor.id);
      await auditRepo.record(db, { actorId: actor.id, action: 'auth.password_change', ip: meta.ip });
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
