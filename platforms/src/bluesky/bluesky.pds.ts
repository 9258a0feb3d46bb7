import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
import { TestNetworkNoAppView } from '@atproto/dev-env';

/** A post as the PDS holds it, read back with `com.atproto.repo.listRecords`. */
export interface PdsPost {
  uri: string;
  rkey: string;
  text: string;
  facets: {
    index: { byteStart: number; byteEnd: number };
    features: ({ $type: string } & Record<string, unknown>)[];
  }[];
  images: { alt: string; mime: string; size: number }[];
}

export interface LocalPds {
  /** Where Velvet signs in (`BLUESKY_SERVICE`). */
  url: string;
  /** A new account (`<name>.test`) and an app password for it. */
  createAccount(
    name: string,
  ): Promise<{ did: string; handle: string; password: string; appPassword: string }>;
  /** Every post in an account's repository, newest first. */
  posts(did: string): Promise<PdsPost[]>;
  close(): Promise<void>;
}

/**
 * A real Bluesky PDS (with its PLC directory) on loopback, from `@atproto/dev-env`: SQLite
 * and blobs in a temporary folder removed on close. Tests only.
 */
export async function startLocalPds(): Promise<LocalPds> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-pds-'));
  const previous = process.env.TMPDIR;
  // dev-env puts its databases and blobs under os.tmpdir().
  process.env.TMPDIR = dir;
  let network: TestNetworkNoAppView;
  try {
    network = await TestNetworkNoAppView.create({});
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
  const url = network.pds.url;
  const reader = new AtpAgent({ service: url });
  return {
    url,
    async createAccount(name) {
      const agent = new AtpAgent({ service: url });
      const handle = `${name}.test`;
      const password = `main-${name}-password`;
      await agent.createAccount({ handle, email: `${name}@velvet.test`, password });
      const { data } = await agent.com.atproto.server.createAppPassword({ name: 'velvet' });
      return { did: agent.assertDid, handle, password, appPassword: data.password };
    },
    async posts(did) {
      const { data } = await reader.com.atproto.repo.listRecords({
        repo: did,
        collection: 'app.bsky.feed.post',
        limit: 100,
      });
      return data.records.map((entry) => {
        const value = entry.value as {
          text: string;
          facets?: PdsPost['facets'];
          embed?: { images?: { alt: string; image: { mimeType: string; size: number } }[] };
        };
        return {
          uri: entry.uri,
          rkey: entry.uri.split('/').pop()!,
          text: value.text,
          facets: value.facets ?? [],
          images: (value.embed?.images ?? []).map((i) => ({
            alt: i.alt,
            mime: i.image.mimeType,
            size: i.image.size,
          })),
        };
      });
    },
    async close() {
      await network.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export * from './bluesky.appview.standin';
