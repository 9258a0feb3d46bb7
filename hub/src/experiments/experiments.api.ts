import type { ApiRoute } from '../http/openapi';
import {
  experimentCreateBody,
  experimentsQuery,
  experimentsView,
  experimentView,
  promoteBody,
} from './experiments.schema';

const FIGURES =
  'Each variant carries drafts, validator holds, approval rate, approval without edit, mean edit distance, conversion and revenue; `significance` compares the best variant with the runner-up (two-proportion z-test) once each has `minSample` trials. Definitions are in `GET /api/experiments`.';

export const experimentsApi: ApiRoute[] = [
  {
    route: 'GET /api/experiments',
    summary:
      'Prompt experiments (A/B tests per intent) of the creators in scope, with each variant’s figures',
    description: `${FIGURES} \`guidance\` lists each creator’s standing guidance per intent, from promoted variants.`,
    action: 'experiment:read',
    auth: 'bearer',
    query: experimentsQuery,
    responses: { 200: { description: 'The experiments', schema: experimentsView } },
  },
  {
    route: 'POST /api/creators/:id/experiments',
    summary: 'Start an experiment: 2 to 5 variants of an intent’s prompt guidance, split by weight',
    description:
      'Each fan gets one variant for the whole experiment (a hash of fan and experiment). Variants only change the text of the prompt: safety gates and the validator run as for any draft. One running experiment per creator and intent (`409` otherwise).',
    action: 'experiment:write',
    auth: 'bearer',
    body: experimentCreateBody,
    responses: { 201: { description: 'The experiment', schema: experimentView } },
    errors: [409],
  },
  {
    route: 'GET /api/experiments/:id',
    summary: 'One experiment with its figures',
    description: FIGURES,
    action: 'experiment:read',
    auth: 'bearer',
    responses: { 200: { description: 'The experiment', schema: experimentView } },
  },
  {
    route: 'POST /api/experiments/:id/stop',
    summary: 'Stop a running experiment; the guidance stays as it was',
    action: 'experiment:write',
    auth: 'bearer',
    responses: { 200: { description: 'The experiment, stopped', schema: experimentView } },
    errors: [409],
  },
  {
    route: 'POST /api/experiments/:id/promote',
    summary:
      'End a running experiment and make a variant’s text the intent’s standing guidance for the creator',
    action: 'experiment:write',
    auth: 'bearer',
    body: promoteBody,
    responses: { 200: { description: 'The experiment, promoted', schema: experimentView } },
    errors: [400, 409],
  },
];
