import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimited, type VelvetConfig, type RedisClient } from '@velvet/shared';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Brute-force defence in Redis, shared by every hub: attempts per client IP, and
 * consecutive failures per account (which lock that account for a while).
 */
export class LoginLimiter {
  readonly #perIp: RateLimiterRedis;
  readonly #perAccount: RateLimiterRedis;
  readonly #maxFailures: number;

  constructor(redis: RedisClient, prefix: string, limits: VelvetConfig['auth']['login']) {
    this.#perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login:ip`,
      points: limits.attempts_per_ip,
      duration: seconds(limits.ip_window),
    });
    this.#maxFailures = limits.failures_per_account;
    this.#perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login:account`,
      points: limits.failures_per_account,
      duration: seconds(limits.account_lockout),
      blockDuration: seconds(limits.account_lockout),
    });
  }

  /** Counts one attempt from this IP; throws when the IP or the account is locked out. */
  async admit(ip: string, email: string): Promise<void> {
    try {
      await this.#perIp.consume(ip);
    } catch (rejection) {
      throw asRateLimited(rejection, 'Too many sign-in attempts from this network. Try again later.');
    }
    const account = await this.#perAccount.get(email);
    if (account && account.consumedPoints >= this.#maxFailures) {
      throw new RateLimited(
        'This account is locked after too many failed sign-ins. Try again later.',
        seconds(account.msBeforeNext),
        'account_locked',
      );
    }
  }

  async recordFailure(email: string): Promise<void> {
    await this.#perAccount.consume(email).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.#perAccount.delete(email);
  }
}

function asRateLimited(rejection: unknown, message: string): Error {
  if (rejection instanceof RateLimiterRes) return new RateLimited(message, seconds(rejection.msBeforeNext));
  return rejection as Error;
}
