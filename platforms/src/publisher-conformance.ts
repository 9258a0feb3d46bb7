import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostContent, PostProblem } from '@velvet/shared';
import type { StoredCredentials } from './connector';
import type { LocateOutcome, Publisher, PublishOutcome, PublishRequest } from './publisher';
import { closeServer, readBody } from './standin-kit';

/** A publisher with a connected account on its platform (a stand-in, or a real local server). */
export interface PublisherStandIn {
  publisher: Publisher;
  accountId: string;
  credentials: StoredCredentials;
  /** A post the platform takes, with a text no other post of the run has. */
  validPost(label: string): PostContent;
  /** Posts the platform refuses, and the field the rules must name. */
  invalidPosts: { name: string; post: PostContent; field: PostProblem['field'] }[];
  /** How many posts the platform holds whose text contains `marker`. */
  count(marker: string): Promise<number>;
  /** The next publish call reaches the platform, which acts, and its answer is lost. */
  loseNextAnswer(): void;
  /**
   * For a platform that takes no post without media (TikTok): where the valid posts' media
   * are fetched from and their bytes. Without it, the conformance posts carry no media.
   */
  media?: { urls: string[]; read(index: number): Promise<Buffer> };
  /** Strings that must never appear in an outcome (tokens, passwords). */
  secrets(): string[];
  close(): Promise<void>;
}

export interface PublisherKit {
  name: string;
  start(): Promise<PublisherStandIn>;
}

/**
 * What every publisher must do, whatever its platform: refuse invalid posts with reasons,
 * publish once, find a published post again and prove an unpublished one absent, and never
 * make a duplicate when a publish's answer was lost — the engine's order (publish, the answer
 * lost, locate, publish again only on `absent`) is played here against the platform.
 */
export function describePublisher(kit: PublisherKit): void {
  describe(`publisher conformance: ${kit.name}`, () => {
    let s: PublisherStandIn;
    const outcomes: (PublishOutcome | LocateOutcome)[] = [];
    const request = (post: PostContent, targetId = randomUUID()): PublishRequest => ({
      accountId: s.accountId,
      credentials: s.credentials,
      targetId,
      post,
      mediaUrls: s.media?.urls ?? [],
      readMedia: (index) =>
        s.media ? s.media.read(index) : Promise.reject(new Error('no media in the conformance posts')),
    });
    const publish = async (req: PublishRequest) => {
      const outcome = await s.publisher.publish(req);
      outcomes.push(outcome);
      return outcome;
    };
    const locate = async (req: PublishRequest, since: Date) => {
      const found = await s.publisher.locate!(s.credentials, req.targetId, { post: req.post, since });
      outcomes.push(found);
      return found;
    };

    beforeAll(async () => {
      s = await kit.start();
    }, 120_000);
    afterAll(async () => {
      await s?.close();
    });

    it('refuses invalid posts with a reason on the field to fix, and accepts a valid one', () => {
      expect(s.invalidPosts.length).toBeGreaterThan(0);
      for (const { name, post, field } of s.invalidPosts) {
        const problems = s.publisher.rules(post);
        expect(
          problems.map((p) => p.field),
          name,
        ).toContain(field);
        expect(
          problems.every((p) => p.message.length > 10),
          name,
        ).toBe(true);
      }
      expect(s.publisher.rules(s.validPost('valid'))).toEqual([]);
    });

    it('publishes a post once, with its id and address', async () => {
      const marker = `once-${randomUUID().slice(0, 8)}`;
      const outcome = await publish(request(s.validPost(marker)));
      expect(outcome).toMatchObject({ state: 'published', remoteId: expect.any(String) });
      expect((outcome as { url?: string }).url).toMatch(/^https:\/\//);
      expect(await s.count(marker)).toBe(1);
    });

    it('finds a published post again, and proves an unpublished one absent', async () => {
      expect(s.publisher.locate).toBeTypeOf('function');
      const since = new Date();
      const marker = `locate-${randomUUID().slice(0, 8)}`;
      const req = request(s.validPost(marker));
      const published = await publish(req);
      expect(published.state).toBe('published');
      const found = await locate(req, since);
      expect(found).toMatchObject({
        state: 'published',
        remoteId: (published as { remoteId: string }).remoteId,
      });

      const never = await locate(request(s.validPost(`never-${randomUUID().slice(0, 8)}`)), since);
      expect(never).toEqual({ state: 'absent' });
    });

    it('makes no duplicate when the answer of a publish was lost and the engine tries again', async () => {
      const since = new Date();
      const marker = `lost-${randomUUID().slice(0, 8)}`;
      const req = request(s.validPost(marker));
      s.loseNextAnswer();
      const first = await publish(req);
      // The platform got it; Velvet cannot know: never "failed, retry".
      expect(first.state).toBe('unconfirmed');
      expect(await s.count(marker)).toBe(1);
      // The engine's next step: ask, and publish again only on a proven absence.
      const found = await locate(req, since);
      expect(found.state).toBe('published');
      if (found.state === 'absent') await publish(req);
      expect(await s.count(marker)).toBe(1);
    });

    it('passes the connection test of its connected account, as the Accounts screen runs it', async () => {
      const check = s.publisher.account?.check;
      expect(check, 'a publisher with accounts can test their connection').toBeDefined();
      const result = await check!.call(s.publisher.account, s.credentials);
      expect(result).toEqual({ ok: true });
    });

    it('never puts a secret in an outcome', () => {
      expect(outcomes.length).toBeGreaterThan(4);
      const text = JSON.stringify(outcomes);
      for (const secret of s.secrets()) expect(text).not.toContain(secret);
    });
  });
}

/**
 * A proxy in front of a platform's server that, when armed, forwards the next matching call,
 * lets the platform act, and cuts the connection before its answer reaches the caller.
 */
export async function startLossyProxy(
  target: string,
  matches: (method: string, path: string) => boolean,
): Promise<{ url: string; loseNext(): void; close(): Promise<void> }> {
  let armed = false;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
        if (typeof value === 'string') headers.set(name, value);
      }
      const answer = await fetch(new URL(req.url ?? '/', target), {
        method: req.method ?? 'GET',
        headers,
        ...(body.length && req.method !== 'GET' && req.method !== 'HEAD'
          ? { body: new Uint8Array(body) }
          : {}),
        redirect: 'manual',
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (armed && matches(req.method ?? '', new URL(req.url ?? '/', 'http://x').pathname)) {
        armed = false;
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name))
          out[name] = value;
      });
      res.writeHead(answer.status, out);
      res.end(bytes);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loseNext: () => {
      armed = true;
    },
    close: () => closeServer(server),
  };
}
