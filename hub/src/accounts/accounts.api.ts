import { z } from 'zod';
import {
  accountCheckView,
  accountView,
  createAccountBody,
  oauthCallbackQuery,
  reconnectAccountBody,
  startOAuthBody,
  updateAccountBody,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const platform = z.object({ platform: z.string().max(32) });
const callback: ApiRoute = {
  route: 'GET /api/oauth/:platform/callback',
  summary: 'Where the platform sends the browser back after consent',
  access: 'the platform, through the browser; the single-use state is the proof',
  auth: 'none',
  description: 'Always a redirect to the panel’s accounts page, with `connected=` or `error=`.',
  params: platform,
  query: oauthCallbackQuery,
  responses: {
    303: {
      description: 'To `/accounts?connected=<id>` or `/accounts?error=<reason>`',
      headers: { Location: 'the panel page' },
    },
  },
};

export const accountsApi: ApiRoute[] = [
  {
    route: 'POST /api/creators/:id/accounts',
    summary: 'Connect a platform account with credentials',
    action: 'account:create',
    auth: 'bearer',
    description: 'Credentials are checked against the platform, stored encrypted and never returned.',
    body: createAccountBody,
    responses: { 201: { description: 'The account and its webhook URL', schema: accountView } },
    errors: [409, 502],
  },
  {
    route: 'GET /api/creators/:id/accounts',
    summary: 'A creator’s platform accounts',
    action: 'account:read',
    auth: 'bearer',
    responses: {
      200: { description: 'The accounts', schema: z.object({ accounts: z.array(accountView) }) },
    },
  },
  {
    route: 'PATCH /api/accounts/:id',
    summary: 'Rename an account or switch group chats on or off',
    action: 'account:update',
    auth: 'bearer',
    body: updateAccountBody,
    responses: { 200: { description: 'The account as changed', schema: accountView } },
  },
  {
    route: 'DELETE /api/accounts/:id',
    summary: 'Disconnect an account (platform side too); its history stays',
    action: 'account:update',
    auth: 'bearer',
    responses: {
      200: {
        description: 'The account, now disconnected (`warning`: the platform side could not be undone)',
        schema: accountView.extend({ warning: z.string().optional() }),
      },
    },
  },
  {
    route: 'POST /api/accounts/:id/check',
    summary: 'Test the connection with the platform',
    action: 'account:update',
    auth: 'bearer',
    description:
      'Asks the platform whether the stored credentials still work (and, where it can tell, that it still delivers here); changes nothing there. Credentials refused for good put the account in `needs_attention` with one alert; a passing test of such an account makes it active again. A platform that cannot be reached is an answer (`ok: false`), not an error.',
    responses: { 200: { description: 'What the test found', schema: accountCheckView } },
    errors: [409],
  },
  {
    route: 'POST /api/accounts/:id/reconnect',
    summary: 'New credentials for a disconnected or broken account',
    action: 'account:update',
    auth: 'bearer',
    body: reconnectAccountBody,
    responses: { 200: { description: 'The account, active again', schema: accountView } },
    errors: [409, 502],
  },
  {
    route: 'POST /api/accounts/:platform/oauth',
    summary: 'Start connecting an OAuth platform',
    action: 'account:create',
    auth: 'bearer',
    params: platform,
    body: startOAuthBody,
    responses: {
      200: {
        description: 'The platform’s consent page (PKCE verifier and state kept server-side, single use)',
        schema: z.object({ url: z.string() }),
      },
    },
    errors: [503],
  },
  {
    route: 'GET /api/creators/:id/accounts/oauth/:platform',
    summary: 'Start connecting an OAuth platform (the contract’s name)',
    action: 'account:create',
    auth: 'bearer',
    params: z.object({ id: z.uuid(), platform: platform.shape.platform }),
    query: z.object({ label: z.string().max(120).optional() }),
    responses: {
      200: {
        description: 'The platform’s consent page',
        schema: z.object({ authorizeUrl: z.string(), url: z.string() }),
      },
    },
    errors: [503],
  },
  callback,
  {
    ...callback,
    route: 'GET /oauth/:platform/callback',
    summary: `${callback.summary} (the contract’s name)`,
  },
];
