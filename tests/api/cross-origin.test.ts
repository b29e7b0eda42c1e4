import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { it } from '../helpers/test.js';

const TRUSTED = 'https://shop.example';

function signUp(
  app: TestApp,
  headers: Record<string, string>,
  body: RequestInit['body'] = JSON.stringify(newAccount()),
) {
  return rawRequest(app, '/trpc/auth.signUp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function expectRefused(app: TestApp, response: Response) {
  expect(response.status).toBe(403);
  const body = (await response.json()) as { error: { data: Record<string, unknown> } };
  expect(body.error.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, reason: 'CROSS_ORIGIN' });
  expect(await tableRows(app, 'user')).toHaveLength(0);
}

describe('cross-origin check on non-GET requests', () => {
  it.for([
    ['cross-site fetch from a stranger', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['same-site but not same-origin', { 'sec-fetch-site': 'same-site', origin: 'https://api.localhost' }],
    ['cross-site with no Origin', { 'sec-fetch-site': 'cross-site' }],
    ['no Sec-Fetch-Site, foreign Origin', { origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame, file:)', { origin: 'null' }],
    ['a look-alike of the own origin', { origin: 'http://localhost.evil.example' }],
    ['a look-alike of a trusted origin', { origin: 'https://shop.example.evil.example' }],
    ['own host on another scheme', { origin: 'https://localhost' }],
  ] as const)('refuses %s', async ([_name, headers], { makeApp }) => {
    const app = await makeApp({ TRUSTED_ORIGINS: TRUSTED });
    await expectRefused(app, await signUp(app, headers));
  });

  it.for([
    ['same-origin fetch', { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }],
    ['a navigation the user typed', { 'sec-fetch-site': 'none' }],
    ['a trusted front-end', { 'sec-fetch-site': 'cross-site', origin: TRUSTED }],
    ['no Sec-Fetch-Site, own Origin', { origin: 'http://localhost' }],
    ['no Sec-Fetch-Site, trusted Origin', { origin: TRUSTED }],
    ['a non-browser client (neither header)', {}],
  ] as const)('allows %s', async ([_name, headers], { makeApp }) => {
    const app = await makeApp({ TRUSTED_ORIGINS: TRUSTED });
    expect((await signUp(app, headers)).status).toBe(200);
    expect(await tableRows(app, 'user')).toHaveLength(1);
  });

  it('refuses cross-site multipart and text/plain bodies, which need no preflight', async ({ app }) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(newAccount())) form.set(key, value);
    await expectRefused(
      app,
      await rawRequest(app, '/trpc/auth.signUp', {
        method: 'POST',
        headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        body: form,
      }),
    );
    await expectRefused(
      app,
      await signUp(app, { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }),
    );
    await expectRefused(
      app,
      await signUp(app, {
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      }),
    );
  });

  it('uses PUBLIC_URL as the own origin when set', async ({ makeApp }) => {
    const app = await makeApp({ PUBLIC_URL: 'https://api.shop.example' });
    await expectRefused(app, await signUp(app, { origin: 'http://localhost' }));
    expect((await signUp(app, { origin: 'https://api.shop.example' })).status).toBe(200);
  });

  it('protects signed-in mutations: a cross-site sign-out changes nothing', async ({ app }) => {
    const client = createTestClient(app);
    await client.auth.signUp.mutate(newAccount());
    const response = await rawRequest(app, '/trpc/auth.signOut', {
      method: 'POST',
      headers: {
        cookie: client.jar.header(),
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.example',
      },
    });
    expect(response.status).toBe(403);
    expect(await client.auth.me.query()).not.toBeNull();
  });

  it('lets GET queries through from anywhere (they change nothing)', async ({ app }) => {
    const response = await rawRequest(app, '/trpc/store.info', {
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
  });

  it('refuses a mutation sent as GET', async ({ app }) => {
    const input = encodeURIComponent(JSON.stringify(newAccount()));
    const response = await rawRequest(app, `/trpc/auth.signUp?input=${input}`);
    expect(response.status).toBe(405);
    expect(await tableRows(app, 'user')).toHaveLength(0);
  });
});

describe('CORS', () => {
  it('answers trusted origins exactly, with credentials, and never reflects strangers', async ({
    makeApp,
  }) => {
    const app = await makeApp({ TRUSTED_ORIGINS: `${TRUSTED},http://localhost:5173` });
    const trusted = await rawRequest(app, '/trpc/store.info', { headers: { origin: TRUSTED } });
    expect(trusted.headers.get('access-control-allow-origin')).toBe(TRUSTED);
    expect(trusted.headers.get('access-control-allow-credentials')).toBe('true');
    expect(trusted.headers.get('vary')).toContain('Origin');

    for (const origin of [
      'https://evil.example',
      'null',
      'https://shop.example.evil.example',
      'http://localhost:5174',
    ]) {
      const stranger = await rawRequest(app, '/trpc/store.info', { headers: { origin } });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      expect(stranger.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('answers preflights for trusted origins only', async ({ makeApp }) => {
    const app = await makeApp({ TRUSTED_ORIGINS: TRUSTED });
    const preflight = (origin: string) =>
      rawRequest(app, '/trpc/auth.signIn', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const ok = await preflight(TRUSTED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(TRUSTED);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('content-type');

    const stranger = await preflight('https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(stranger.headers.get('access-control-allow-methods')).toBeNull();
  });
});
