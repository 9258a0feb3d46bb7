import {
  acceptPlanBody,
  acceptPlanView,
  planView,
  planWeekBody,
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
