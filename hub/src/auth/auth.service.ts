import { randomUUID } from 'node:crypto';
import {
  abilities,
  auditRepo,
  refreshTokensRepo,
  Unauthorized,
  usersRepo,
  type Action,
  type LoginBody,
  type PublicUser,
  type UserRecord,
} from '@velvet/shared';
import type { HubContext } from '../context';
import type { LoginLimiter } from './login-limiter';
import type { AccessEvents } from './session-gate';
import { verifyPassword } from './passwords';
import { randomToken, sha256, signAccessToken } from './tokens';

export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
}

export interface Session {
  accessToken: string;
  user: PublicUser;
  abilities: Action[];
  refreshToken: string;
  refreshExpiresAt: Date;
}

export function presentUser(
  user: Pick<UserRecord, 'id' | 'email' | 'role' | 'mustChangePassword'> & { creatorIds: readonly string[] },
): PublicUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    creatorIds: [...user.creatorIds],
    ...(user.mustChangePassword ? { temporaryLogin: true } : {}),
  };
}

/** A user as admins manage them: with whether they may sign in. */
export function presentManagedUser(
  user: Pick<UserRecord, 'id' | 'email' | 'role' | 'disabledAt' | 'mustChangePassword'> & {
    creatorIds: readonly string[];
  },
): PublicUser {
  return { ...presentUser(user), disabled: user.disabledAt !== null };
}

export function createAuthService(ctx: HubContext, limiter: LoginLimiter, access: AccessEvents) {
  const { db, config, secrets } = ctx;

  async function issue(user: UserRecord, familyId: string, meta: ClientMeta): Promise<Session> {
    const refreshToken = randomToken();
    const refreshExpiresAt = new Date(ctx.now().getTime() + config.auth.refresh_token_ttl);
    await refreshTokensRepo.insert(db, {
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: refreshExpiresAt,
      userAgent: meta.userAgent?.slice(0, 300),
      ip: meta.ip,
    });
    return {
      accessToken: signAccessToken(
        secrets.jwtKey,
        { userId: user.id, sessionId: familyId, role: user.role },
        config.auth.access_token_ttl,
      ),
      user: presentUser(user),
      abilities: abilities(user),
      refreshToken,
      refreshExpiresAt,
    };
  }

  return {
    async login(body: LoginBody, meta: ClientMeta): Promise<Session> {
      await limiter.admit(meta.ip, body.email);
      const user = await usersRepo.findByEmail(db, body.email);
      const valid = await verifyPassword(user?.passwordHash, body.password);
      if (!user || !valid || user.disabledAt) {
        await limiter.recordFailure(body.email);
        await auditRepo.record(db, {
          actorId: user?.id ?? null,
          action: 'auth.login_failed',
          data: { email: body.email },
          ip: meta.ip,
        });
        throw new Unauthorized('Wrong email or password');
      }
      await limiter.recordSuccess(body.email);
      await auditRepo.record(db, { actorId: user.id, action: 'auth.login', ip: meta.ip });
      return issue(user, randomUUID(), meta);
    },

    /** Rotates a refresh token; presenting one that was already rotated revokes its whole family. */
    async refresh(token: string | undefined, meta: ClientMeta): Promise<Session> {
      if (!token) throw new Unauthorized('No session');
      const record = await refreshTokensRepo.findByHash(db, sha256(token));
      if (!record) throw new Unauthorized('Session not found');
      const now = ctx.now();
      if (record.revokedAt) throw new Unauthorized('Session revoked');
      if (record.rotatedAt || !(await refreshTokensRepo.markRotated(db, record.id, now))) {
        await refreshTokensRepo.revokeFamily(db, record.familyId, now);
        await access.sessionEnded(record.familyId);
        await auditRepo.record(db, {
          actorId: record.userId,
          action: 'auth.refresh_reuse_detected',
          data: { familyId: record.familyId },
          ip: meta.ip,
        });
        ctx.logger.warn(
          { userId: record.userId, familyId: record.familyId },
          'refresh token reuse: session family revoked',
        );
        throw new Unauthorized('Session revoked');
      }
      if (record.expiresAt <= now) throw new Unauthorized('Session expired');
      const user = await usersRepo.findById(db, record.userId);
      if (!user || user.disabledAt) throw new Unauthorized('Account disabled');
      return issue(user, record.familyId, meta);
    },

    async logout(token: string | undefined, meta: ClientMeta): Promise<void> {
      if (!token) return;
      const record = await refreshTokensRepo.findByHash(db, sha256(token));
      if (!record) return;
      await refreshTokensRepo.revokeFamily(db, record.familyId, ctx.now());
      await access.sessionEnded(record.familyId);
      await auditRepo.record(db, { actorId: record.userId, action: 'auth.logout', ip: meta.ip });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
