import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { NOTIFICATION_KINDS, notificationsRepo } from '@velvet/shared';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupsDir, signPaymentWebhook } from '@velvet/shared';
import { telegramUpdates } from '@velvet/platforms/testing';
import { openApiDocument } from '../src/api';
import { ADMIN, Client } from './harness';
import { compileEverySchema, mismatch } from './openapi-check';
import { KIND_BY_SEGMENT } from './fuzz/requests';
import { appRoutes, ROUTES } from './fuzz/routes';
import { createWorld, PAYMENT_SECRET, type World } from './fuzz/world';

/** Answers a valid request cannot turn into a 2xx, and why. */
const NOT_2XX: Record<string, number> = {
  // A made-up authorization code and state: the browser is sent back to the panel, saying so.
  'GET /api/oauth/:platform/callback': 303,
  'GET /oauth/:platform/callback': 303,
  // A wrong current password on purpose: the actors' own passwords must not change here.
  'POST /api/me/password': 422,
};

const BACKUP = 'velvet-2026-01-31T02-00-00-000Z.tar.gz';

/** A small JPEG whose bytes differ with `seed`, so two uploads are two files. */
const realJpeg = (seed: number) =>
  sharp({ create: { width: 32 + seed, height: 40, channels: 3, background: '#2c3e50' } })
    .jpeg()
    .toBuffer();

/** Every operation of the document, as `METHOD /path` with Express's `:params`. */
function documented(): string[] {
  return Object.entries(openApiDocument().paths).flatMap(([template, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${template.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

describe('the API document (issue 24)', () => {
  let w: World;

  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('lists every route the app serves, and no other', () => {
    const served = appRoutes(w.hub.app as unknown as { router: Router });
    expect(served.length).toBeGreaterThan(60);
    expect(documented().sort()).toEqual(served.sort());
  });

  it('is served to anyone as OpenAPI 3.1, every schema valid JSON Schema, no secret in it', async () => {
    const response = await fetch(`${w.hub.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const document = JSON.parse(text);
    expect(document.openapi).toBe('3.1.0');
    expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'bearer',
      'csrfHeader',
      'refreshCookie',
    ]);
    expect(compileEverySchema()).toBeGreaterThan(100);
    for (const secret of [
      w.hub.ctx.env.VELVET_SECRET!,
      ADMIN.password,
      w.sandboxToken,
      w.hub.ctx.secrets.jwtKey.toString('base64url'),
    ])
      expect(text).not.toContain(secret);
    // A route that validates input names the 422 with its field list; a signed-in one 401 and 403.
    const createPack = document.paths['/api/creators/{id}/packs'].post;
    expect(Object.keys(createPack.responses)).toEqual(
      expect.arrayContaining(['201', '401', '403', '404', '422', 'default']),
    );
    expect(createPack.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'type', 'price']),
    );
    expect(document.paths['/api/auth/login'].post.responses['429']).toBeDefined();
    // Who may call a route is read from the policy's rule list, not written by hand.
    expect(document.paths['/api/users'].get.description).toContain('Who: admin (rule `user:list`)');
    expect(document.paths['/api/creators/{id}/accounts'].get.description).toContain(
      'Who: admin; manager, model for their creators (rule `account:read`)',
    );
  });

  it('tells an answer that breaks the document from one that keeps it', async () => {
    const url = `/api/creators/${w.ids.creator[0]}`;
    const creator = (await w.actors.admin.get(url)).body;
    const answer = { method: 'GET', url, status: 200, contentType: 'application/json', body: creator };
    expect(mismatch(answer)).toBeUndefined();
    expect(mismatch({ ...answer, body: { ...creator, secret: 'x' } })).toMatch(/additional properties/);
    expect(mismatch({ ...answer, body: { ...creator, name: 5 } })).toMatch(/name must be string/);
    expect(mismatch({ ...answer, status: 201 })).toMatch(/does not list status 201/);
    expect(mismatch({ ...answer, contentType: 'text/html' })).toMatch(/documented as JSON/);
    expect(mismatch({ ...answer, url: '/api/nowhere' })).toMatch(/no operation/);
    const invalid = { error: { code: 'validation_failed', message: 'name: is required' } };
    expect(mismatch({ ...answer, method: 'PATCH', status: 422, body: invalid })).toMatch(/details/);
    expect(mismatch({ ...answer, status: 409, body: { message: 'no' } })).toMatch(/error/);
  });

  it('answers a valid request to every route as the document says', async () => {
    const messages = await w.actors.admin.get(`/api/conversations/${w.ids.conversation[0]}/messages`);
    const photo = (messages.body.messages as { id: string; attachments: unknown[] }[]).find(
      (m) => m.attachments.length > 0,
    )!;
    const dir = backupsDir(w.hub.ctx.config, w.hub.ctx.env.DATA_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, BACKUP), Buffer.from([0x1f, 0x8b, 8, 0]));
    const failed = w.ids.message.at(-1)!;

    // Made along the way: a pack never offered (to delete), an open offer (to cancel).
    const made: Record<string, string> = {};
    // A notification of the admin's to acknowledge.
    const me = await w.actors.admin.get('/api/me');
    const [notice] = await notificationsRepo.insertFor(w.hub.ctx.db, [me.body.user.id], {
      kind: NOTIFICATION_KINDS[0],
      severity: 'warning',
      message: 'Check this',
    });
    made.notification = String(notice!.id);
    const session = new Client(w.hub.url);
    await session.login(w.fuzzUser.email, w.fuzzUser.password);

    const answered: string[] = [];
    const problems: string[] = [];
    for (const [route, spec] of Object.entries(ROUTES)) {
      const [method, template] = route.split(' ') as [string, string];
      const segments = template.split('/');
      const filled = segments.map((s, i) => {
        if (!s.startsWith(':')) return s;
        const name = s.slice(1);
        if (name === 'platform') return template.includes('oauth') ? 'fanvue' : 'telegram';
        if (name === 'provider') return 'checkout';
        if (name === 'index') return '0';
        if (name === 'name') return BACKUP;
        if (name === 'accountId') return w.ids.account[0]!;
        if (route === 'POST /api/messages/:id/retry') return failed;
        if (route === 'DELETE /api/packs/:id') return made.pack!;
        if (route === 'POST /api/offers/:id/cancel') return made.offer!;
        if (route === 'POST /api/follow-ups/:id/cancel') return made.followUp!;
        // One experiment is stopped, the other promoted: each may end only once.
        if (route === 'POST /api/experiments/:id/stop') return made.experiment!;
        // The sandbox fan confirmed being 18 or older: offers may be made to them.
        if (route === 'POST /api/conversations/:id/offers') return w.ids.conversation[1]!;
        if (route === 'GET /api/messages/:id/attachments/:index') return photo.id;
        if (name === 'file') return made.packFile!;
        if (route === 'POST /api/notifications/:id/ack') return made.notification!;
        if (segments[i - 1] === 'users') return w.ids.managedUser[0]!;
        return w.ids[KIND_BY_SEGMENT[segments[i - 1]!]!][0]!;
      });
      const url = `${filled.join('/')}${spec.query ? `?${new URLSearchParams(spec.query(w))}` : ''}`;
      const headers: Record<string, string> = {};
      if (route.startsWith('POST /api/auth/') && route !== 'POST /api/auth/login') {
        headers.cookie = [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        Object.assign(headers, session.csrfHeader());
      } else if (spec.body !== 'webhook' && spec.body !== 'payment')
        headers.authorization = `Bearer ${w.actors.admin.token}`;
      let body: string | FormData | undefined;
      if (spec.body === 'json') {
        // The promo code of the example was switched off by `PATCH /api/promo-codes/:id` above.
        const example = route.endsWith('/offers') ? { packId: w.ids.pack[0] } : spec.example?.(w);
        body = JSON.stringify(example ?? {});
        headers['content-type'] = 'application/json';
      } else if (spec.body === 'payment') {
        body = JSON.stringify(spec.example!(w));
        headers['content-type'] = 'application/json';
        headers['x-velvet-signature'] = signPaymentWebhook(PAYMENT_SECRET, body, new Date());
      } else if (spec.body === 'webhook') {
        const auth = w.webhookAuth.get(w.ids.account[0]!)!;
        body = JSON.stringify(
          telegramUpdates.text({ updateId: 77, chatId: 4242, fromId: 4242, firstName: 'Zoé', text: 'salut' }),
        );
        headers['content-type'] = 'application/json';
        headers[auth.header] = auth.value;
      } else if (
        spec.body === 'multipart' &&
        (route.startsWith('POST /api/creators/') || route === 'POST /api/media')
      ) {
        // The library and the packs read the whole image: a real one.
        body = new FormData();
        body.append('file', new Blob([new Uint8Array(await realJpeg(route.length))]), 'photo.jpg');
      } else if (spec.body === 'multipart') {
        body = new FormData();
        body.append('caption', 'pour toi');
        body.append('file', new Blob([Buffer.from('\xff\xd8\xff\xe0jpeg', 'latin1')]), 'photo.jpg');
      }
      // A hand assignment needs a conversation waiting for a person; it goes back as it was after.
      const handed = route === 'PUT /api/assignment/conversations/:id' ? w.ids.conversation[0]! : undefined;
      const before = handed
        ? await w.hub.ctx.db.query.conversations.findFirst({ where: (c, { eq }) => eq(c.id, handed) })
        : undefined;
      if (handed)
        await w.hub.ctx.db.execute(
          sql`update conversations set status = 'escalated', escalation_reason = 'human_request',
                assigned_to = null where id = ${handed}`,
        );
      const response = await fetch(w.hub.url + url, { method, headers, body, redirect: 'manual' });
      if (handed && before)
        await w.hub.ctx.db.execute(
          sql`update conversations set status = ${before.status}, escalation_reason = ${before.escalationReason},
                assigned_to = ${before.assignedTo} where id = ${handed}`,
        );
      const text = await response.text();
      const contentType = response.headers.get('content-type');
      const json = contentType?.startsWith('application/json') && text ? JSON.parse(text) : undefined;
      const problem = mismatch({ method, url, status: response.status, contentType, body: json });
      if (problem) problems.push(problem);
      const expected = NOT_2XX[route];
      if (expected ? response.status !== expected : response.status >= 300)
        problems.push(`${route}: ${response.status} ${text.slice(0, 200)}`);
      answered.push(`${route} → ${response.status}`);
      if (route === 'POST /api/creators/:id/packs') made.pack = json?.id;
      if (route === 'POST /api/creators/:id/experiments') made.experiment = json?.id;
      if (route === 'POST /api/creators/:id/pack-media') made.packFile = json?.file;
      if (route === 'POST /api/conversations/:id/offers') made.offer = json?.offer?.id;
      if (route === 'POST /api/offers/:id/cancel') {
        // Cancelling the offer cancelled its follow-up: a new offer plans a new one.
        const sandbox = `/api/conversations/${w.ids.conversation[1]}`;
        await w.actors.admin.post(`${sandbox}/offers`, { packId: w.ids.pack[0] });
        const sales = await w.actors.admin.get(`${sandbox}/sales`);
        made.followUp = sales.body.followUps.find((f: { status: string }) => f.status === 'pending')?.id;
      }
      for (const line of response.headers.getSetCookie()) {
        const [name, value] = line.split(';')[0]!.split('=') as [string, string];
        if (route.startsWith('POST /api/auth/') && route !== 'POST /api/auth/login')
          session.cookies.set(name, value);
      }
      await w.restore();
    }
    expect(problems).toEqual([]);
    expect(answered).toHaveLength(Object.keys(ROUTES).length);
  });

  it('answers a caller without a session the documented 401 on every signed-in route', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries(openApiDocument().paths))
      for (const [method, op] of Object.entries(methods)) {
        if (!(op.security as object[]).some((s) => 'bearer' in s)) continue;
        const url = path.replace(/\{(\w+)\}/g, () => crypto.randomUUID());
        const response = await fetch(w.hub.url + url, { method: method.toUpperCase() });
        const body = await response.json();
        checked++;
        if (response.status !== 401) problems.push(`${method} ${path}: ${response.status}`);
        const problem = mismatch({
          method,
          url,
          status: response.status,
          contentType: response.headers.get('content-type'),
          body,
        });
        if (problem) problems.push(problem);
      }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(55);
  });

  it('has a reference page listing every operation, its auth model, and nothing that runs', async () => {
    const response = await fetch(`${w.hub.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).not.toMatch(/<script|src=|https?:\/\/(?!json-schema)/i);
    for (const route of documented()) {
      const [method, template] = route.split(' ') as [string, string];
      expect(html, route).toContain(
        `<span class="method">${method}</span> <code>${template.replace(/:(\w+)/g, '{$1}')}</code>`,
      );
    }
    expect(html).toContain('x-csrf-token');
    expect(html).toContain('Bearer access token');
    expect(html).toContain(`Operations (${documented().length})`);
  });
});
