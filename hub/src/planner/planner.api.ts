import {
  acceptPlanBody,
  acceptPlanView,
  planView,
  planWeekBody,
  plannerBestTimesView,
  plannerRulesBody,
  plannerView,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const plannerApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/planner',
    summary: 'The creator’s planner rules: markets, and per platform slots, mix and daily reel',
    description: 'A creator without saved rules gets the defaults (`saved: false`).',
    action: 'planner:write',
    auth: 'bearer',
    responses: { 200: { description: 'The rules', schema: plannerView } },
  },
  {
    route: 'PUT /api/creators/:id/planner',
    summary: 'Replace the creator’s planner rules',
    description:
      'Each invalid field is named in a `422` (`fields[].path`, such as `platforms.0.slots.1.profile`).',
    action: 'planner:write',
    auth: 'bearer',
    body: plannerRulesBody,
    responses: { 200: { description: 'The rules as saved', schema: plannerView } },
  },
  {
    route: 'GET /api/creators/:id/schedule-rules',
    summary: 'The creator’s planner rules (the contract’s name for `GET /api/creators/:id/planner`)',
    description: 'A creator without saved rules gets the defaults (`saved: false`).',
    action: 'planner:write',
    auth: 'bearer',
    responses: { 200: { description: 'The rules', schema: plannerView } },
  },
  {
    route: 'PUT /api/creators/:id/schedule-rules',
    summary: 'Replace the creator’s planner rules (the contract’s name for `PUT /api/creators/:id/planner`)',
    description:
      'Each invalid field is named in a `422` (`fields[].path`, such as `platforms.0.slots.1.profile`).',
    action: 'planner:write',
    auth: 'bearer',
    body: plannerRulesBody,
    responses: { 200: { description: 'The rules as saved', schema: plannerView } },
  },
  {
    route: 'GET /api/creators/:id/planner/best-times',
    summary: 'The analytics’ best times as the planner’s slots: what would change (nothing is written)',
    description:
      'Per platform of the rules: the best open hours (over the last 90 days, on the creator’s clock, from the TensorFlow.js model where it beat the baseline, else the shrunk baseline, as `GET /api/analytics/best-times`), as many as the platform’s posts per day, one post each, in the market profile in the creator’s zone; `current` and `proposed` slots side by side. Platforms with under 30 posts, no history or no open hour are `skipped` with the reason. `rules` are the rules with the proposed slots: `PUT /api/creators/:id/planner` with them applies the change. Needs `analytics:read` too.',
    action: 'planner:write',
    auth: 'bearer',
    responses: { 200: { description: 'Current and proposed slots', schema: plannerBestTimesView } },
  },
  {
    route: 'POST /api/creators/:id/plan',
    summary: 'Plan the week: a proposal filling free slots from ready content (nothing is written)',
    description:
      'Ready content: draft posts whose targets have no problem, and library files no post uses. Slots follow the rules in each market’s local time; the daily reel comes first.',
    action: 'planner:write',
    auth: 'bearer',
    body: planWeekBody,
    responses: { 200: { description: 'The proposal', schema: planView } },
  },
  {
    route: 'POST /api/creators/:id/plan/accept',
    summary: 'Schedule the accepted items of a proposal',
    description:
      'Each item is checked again (account, time, market hours, free slot, content still ready); those that cannot be placed any more come back in `notPlaced` with their reason. One acceptance per creator runs at a time (across hubs): a concurrent one waits, then reports the items already placed; `409 plan_busy` when it waited 30 s in vain.',
    action: 'planner:write',
    auth: 'bearer',
    body: acceptPlanBody,
    errors: [409],
    responses: { 200: { description: 'What was scheduled, and what was not', schema: acceptPlanView } },
  },
];
