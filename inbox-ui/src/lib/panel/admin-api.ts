import { z } from 'zod';
import {
  automationDefaults,
  creatorView,
  overviewResponse,
  passwordResetResponse,
} from '@velvet/shared/contract';
import { session } from '$lib/session.svelte';

/* The calls of the home screens, passwords, archiving and automation settings. */

export type AutomationDefaults = z.output<typeof automationDefaults>;
export type Overview = z.output<typeof overviewResponse>;

const creators = z.object({ creators: z.array(creatorView) });
const nothing = z.undefined();
const id = (value: string) => encodeURIComponent(value);

export const adminApi = {
  overview: (query: { days?: number; creatorId?: string } = {}) => {
    const params = new URLSearchParams();
    if (query.days) params.set('days', String(query.days));
    if (query.creatorId) params.set('creatorId', query.creatorId);
    const q = params.toString();
    return session.request(overviewResponse, `/api/overview${q ? `?${q}` : ''}`);
  },
  archivedCreators: () => session.request(creators, '/api/creators?archived=only'),
  archive: (creatorId: string, archived: boolean) =>
    session.request(creatorView, `/api/creators/${id(creatorId)}/${archived ? 'archive' : 'unarchive'}`, {
      method: 'POST',
    }),
  automationDefaults: () => session.request(automationDefaults, '/api/automation/defaults'),
  saveAutomation: (creatorId: string, body: Record<string, unknown>) =>
    session.request(creatorView, `/api/creators/${id(creatorId)}`, { method: 'PATCH', body }),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    session.request(nothing, '/api/me/password', { method: 'POST', body }),
  resetPassword: (userId: string) =>
    session.request(passwordResetResponse, `/api/users/${id(userId)}/password-reset`, { method: 'POST' }),
};
