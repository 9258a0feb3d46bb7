import { z } from 'zod';
import {
  markNotificationsBody,
  notificationResponse,
  notificationsPageResponse,
  notificationsQuery,
  pushPreferencesBody,
  pushPreferencesResponse,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const mine = 'any signed-in person, for their own notifications';

export const notificationsApi: ApiRoute[] = [
  {
    route: 'GET /api/notifications',
    summary: 'My notifications, newest first, with the unread count',
    access: mine,
    auth: 'bearer',
    query: notificationsQuery,
    responses: { 200: { description: 'A page of notifications', schema: notificationsPageResponse } },
  },
  {
    route: 'POST /api/notifications/read',
    summary: 'Mark notifications read (the listed ids, or all)',
    access: mine,
    auth: 'bearer',
    body: markNotificationsBody,
    responses: {
      200: {
        description: 'The ids marked, and what stays unread',
        schema: z.object({ read: z.array(z.string()), unread: z.number() }),
      },
    },
  },
  {
    route: 'POST /api/notifications/:id/ack',
    summary: 'Acknowledge a notification (it is read too)',
    access: mine,
    auth: 'bearer',
    params: z.object({ id: z.string().regex(/^\d+$/) }),
    responses: {
      200: {
        description: 'The notification, and what stays unread',
        schema: z.object({ notification: notificationResponse, unread: z.number() }),
      },
    },
  },
  {
    route: 'GET /api/notifications/preferences',
    summary: 'Which kinds of notification reach my phones as web push',
    access: mine,
    auth: 'bearer',
    responses: { 200: { description: 'My choices', schema: pushPreferencesResponse } },
  },
  {
    route: 'PUT /api/notifications/preferences',
    summary: 'Choose which kinds reach my phones as web push',
    access: mine,
    auth: 'bearer',
    body: pushPreferencesBody,
    responses: { 200: { description: 'My choices as saved', schema: pushPreferencesResponse } },
  },
];
