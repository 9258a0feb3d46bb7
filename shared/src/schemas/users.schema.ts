import { z } from 'zod';
import { ROLES } from '../domain';
import { email } from './auth.schema';

export const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

export const createUserBody = z.strictObject({
  email,
  password,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  creatorIds: z.array(z.uuid('must be creator ids')).max(500).default([]),
});
export type CreateUserBody = z.infer<typeof createUserBody>;

/** An admin's change to a user: role, creator scope, or disabled (which ends every session). */
export const updateUserBody = z
  .strictObject({
    role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).optional(),
    creatorIds: z.array(z.uuid('must be creator ids')).max(500).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.role !== undefined || b.creatorIds !== undefined || b.disabled !== undefined, {
    message: 'change at least one of role, creatorIds, disabled',
  });
export type UpdateUserBody = z.infer<typeof updateUserBody>;

/** Anyone's change of their own password: the current one proves it is them. */
export const changePasswordBody = z
  .strictObject({
    currentPassword: z.string().min(1, 'is required').max(1024),
    newPassword: password,
  })
  .refine((b) => b.newPassword !== b.currentPassword, {
    message: 'must differ from the current password',
    path: ['newPassword'],
  });
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

/** An admin's reset: the temporary password, shown this once and never stored in clear. */
export const passwordResetResponse = z.object({ temporaryPassword: z.string() });
