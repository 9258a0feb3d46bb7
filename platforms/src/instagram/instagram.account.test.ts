import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstagramAccounts } from './instagram.account';
import { createGraph } from './instagram.graph';
import { startInstagramStandin, type InstagramStandin } from './instagram.standin';

const TOKEN = 'EAAG-account-test-long-lived-token-0123456789';

describe('testing an Instagram connection', () => {
  let standin: InstagramStandin;
  beforeAll(async () => {
    standin = await startInstagramStandin({
      accounts: { [TOKEN]: { igUserId: '17841400000000077', username: 'maya.test' } },
    });
  });
  afterAll(async () => {
    await standin?.close();
  });

  it('passes while the token may publish, and asks for a reconnect once Meta refuses it', async () => {
    const accounts = createInstagramAccounts(createGraph(standin.apiRoot));
    const connected = await accounts.connect({ igUserId: '17841400000000077', igAccessToken: TOKEN });
    expect(await accounts.check!(connected.credentials)).toEqual({ ok: true });

    standin.revoke(TOKEN);
    const refused = await accounts.check!(connected.credentials);
    expect(refused).toMatchObject({ ok: false, reconnect: true });
    expect(refused.ok ? '' : refused.problem).toMatch(/refused the access token/);
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });
});
