import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOnlyFansStandin, type OnlyFansStandin } from './onlyfans.standin';

const KEY = 'ofapi_standin_key_0123456789';
const ACCOUNT = 'acct_standin01';

/** The stand-in answers as the provider documents, so the connector's tests mean something. */
describe('OnlyFansAPI stand-in', () => {
  let standin: OnlyFansStandin;
  const call = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${standin.apiRoot}/${ACCOUNT}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${init.key ?? KEY}`, ...(init.headers ?? {}) },
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeEach(async () => {
    standin = await startOnlyFansStandin({ keys: { [KEY]: [ACCOUNT] } });
  });
  afterEach(() => standin.close());

  it('wants the bearer key, and only for its own accounts', async () => {
    expect((await call('/chats', { key: 'nope' })).status).toBe(401);
    const other = await fetch(`${standin.apiRoot}/acct_other/chats`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(other.status).toBe(404);
    expect(await call('/chats')).toEqual({
      status: 200,
      body: { data: [], _pagination: { next_page: null } },
    });
  });

  it('refuses a paid message without media or outside 3–200, and media ids used twice', async () => {
    expect((await call('/chats/1/messages', json({ text: 'x', price: 10 }))).status).toBe(422);
    expect((await call('/chats/1/messages', json({ text: 'x', price: 2, mediaFiles: ['a'] }))).status).toBe(
      422,
    );
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('jpeg')]), 'a.jpg');
    const uploaded = await call('/media/upload', { method: 'POST', body: form });
    expect(uploaded.body.prefixed_id).toMatch(/^ofapi_media_/);
    const id = uploaded.body.prefixed_id as string;
    const paid = await call('/chats/1/messages', json({ text: 'Pack', price: 10, mediaFiles: [id] }));
    expect(paid.status).toBe(200);
    expect(paid.body.data).toMatchObject({ id: expect.any(Number), price: 10 });
    expect(
      (await call('/chats/1/messages', json({ text: 'Again', price: 10, mediaFiles: [id] }))).status,
    ).toBe(422);
    const thread = await call('/chats/1/messages');
    expect(thread.body.data).toEqual([expect.objectContaining({ id: paid.body.data.id, price: 10 })]);
  });

  it('an upload takes exactly one of file or file_url', async () => {
    expect((await call('/media/upload', json({}))).status).toBe(422);
    expect((await call('/media/upload', json({ file_url: 'https://cdn.example/a.jpg' }))).status).toBe(200);
  });
});
