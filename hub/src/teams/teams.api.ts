import type { ApiRoute } from '../http/openapi';
import {
  handAssignBody,
  handAssignView,
  queueView,
  shiftBody,
  shiftView,
  teamBody,
  teamView,
} from './teams.schema';

export const teamsApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/assignment',
    summary: 'The creator’s team: who takes its conversations, how they are shared out, who is on duty',
    action: 'team:manage',
    auth: 'bearer',
    responses: { 200: { description: 'The team', schema: teamView } },
  },
  {
    route: 'PUT /api/creators/:id/assignment',
    summary: 'Set the creator’s team, its strategy and each member’s capacity',
    description:
      'Members must be enabled users who may reply for the creator (`422` naming `members.N.userId` otherwise). An empty list turns auto-assignment off for the creator.',
    action: 'team:manage',
    auth: 'bearer',
    body: teamBody,
    responses: { 200: { description: 'The team as saved', schema: teamView } },
  },
  {
    route: 'GET /api/me/shift',
    summary: 'The caller’s shift: on duty or not, capacity and open conversations held',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The shift', schema: shiftView } },
  },
  {
    route: 'PUT /api/me/shift',
    summary: 'Go on or off duty',
    description:
      'Off duty: the conversations the caller holds at creators with a team go back to the queue and on to someone on duty.',
    action: 'shift:update',
    auth: 'bearer',
    body: shiftBody,
    responses: { 200: { description: 'The shift', schema: shiftView } },
  },
  {
    route: 'GET /api/assignment/queue',
    summary:
      'Conversations waiting for a person at creators with a team, those people hold, and who could take them',
    action: 'team:manage',
    auth: 'bearer',
    responses: { 200: { description: 'The queue', schema: queueView } },
  },
  {
    route: 'PUT /api/assignment/conversations/:id',
    summary: 'Hand a conversation that needs a person to someone, by hand (assign or reassign)',
    description:
      'Atomic: `from` is who holds it as the caller saw it (null: waiting); `409` if it changed meanwhile, was resolved or went back to the AI. The person must be enabled and work for the creator (`422` naming `userId`); a hand assignment may pass their capacity.',
    action: 'team:manage',
    auth: 'bearer',
    body: handAssignBody,
    responses: { 200: { description: 'Who holds it now, and their load', schema: handAssignView } },
  },
];
