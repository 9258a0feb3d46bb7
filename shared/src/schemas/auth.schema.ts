import { z } from 'zod';
import { ROLES } from '../domain';

export const email = z
  .email('must be an email address')
  .max(254)
  .transform((value) => value.trim().toLowerCase());

export const loginBody = z.strictObject({
  email,
  password: z.string().min(1, 'is required').max(1024),
});
export type LoginBody = z.infer<typeof loginBody>;

export const publicUser = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  creatorIds: z.array(z.uuid()),
  /** Present in user management answers; a signed-in user is never disabled. */
  disabled: z.boolean().optional(),
  /**
   * The login is temporary (an admin's reset): the password must be changed before anything
   * else. Named apart from the word "password", which no user answer carries.
   */
  temporaryLogin: z.boolean().optional(),
});
export type PublicUser = z.infer<typeof publicUser>;

export const loginResponse = z.object({ accessToken: z.string(), user: publicUser });
export type LoginResponse = z.infer<typeof loginResponse>;

/** A sign-in or a refresh: the access token, who is signed in and what they may do. */
export const sessionView = loginResponse.extend({ abilities: z.array(z.string()) });

/** `GET /api/me`. */
export const meView = z.object({ user: publicUser, abilities: z.array(z.string()) });
