import { describe, expect } from 'vitest';
import { z } from 'zod';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { fetchDocument, restClient, restErrorShape } from '../helpers/rest-client.js';
import { it } from '../helpers/test.js';

const DAY = 24 * 60 * 60 * 1000;
const CROSS_SITE = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };

const tokenAnswer = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  token: z.string().min(20),
  expiresAt: z.iso.datetime(),
});
const trpcData = z.object({ result: z.object({ data: z.unknown() }) });
const trpcError = z.object({
  error: z.object({ data: z.looseObject({ code: z.string(), reason: z.string(), httpStatus: z.number() }) }),
});

/** A tRPC call over plain HTTP, as a client that is not a browser sends it. */
function trpc(
  app: TestApp,
  path: string,
  init: { input?: unknown; headers?: Record<string, string>; post?: boolean },
) {
  const body = init.input === undefined ? undefined : JSON.stringify(init.input);
  if (init.post) {
    return rawRequest(app, `/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(body && { body }),
    });
  }
  const query = body ? `?input=${encodeURIComponent(body)}` : '';
  return rawRequest(app, `/trpc/${path}${query}`, { headers: init.headers ?? {} });
}

/** Signs up over tRPC with `session: 'token'`: the answer and its headers. */
async function signUpForToken(app: TestApp) {
  const account = newAccount();
  const response = await trpc(app, 'auth.signUp', { input: { ...account, session: 'token' }, post: true });
  expect(response.status).toBe(200);
  const answer = tokenAnswer.parse(trpcData.parse(await response.json()).result.data);
  return { account, answer, response };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** auth.me over tRPC with the token: the user's email, or null when the session is gone. */
async function meByToken(app: TestApp, token: string) {
  const response = await trpc(app, 'auth.me', { headers: bearer(token) });
  expect(response.status).toBe(200);
  const data = trpcData.parse(await response.json()).result.data;
  return data === null ? null : z.object({ email: z.string() }).parse(data).email;
}

describe('bearer-token sessions', () => {
  it('signs up with session: token — a token and expiry in the answer, no cookie — usable on tRPC and REST', async ({
    app,
  }) => {
    const before = app.fastPathAnswers();
    const { account, answer, response } = await signUpForToken(app);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(Date.parse(answer.expiresAt)).toBe(app.clock.now() + 30 * DAY);

    expect(await meByToken(app, answer.token)).toBe(account.email);
    // The fast path answered these calls: it reads the same credential rule as the app.
    expect(app.fastPathAnswers()).toBeGreaterThan(before);

    const { document } = await fetchDocument(app);
    const rest = restClient(app, document, { bearer: answer.token });
    const me = await rest.call('auth.me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: answer.user.id });
    expect(me.response.headers.getSetCookie()).toEqual([]);
    const orders = await rest.call('orders.list');
    expect(orders).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('signs in with session: token on REST; a cookie session never hands out its token', async ({ app }) => {
    const { document } = await fetchDocument(app);
    const account = newAccount();
    const browser = restClient(app, document);
    const signedUp = await browser.call('auth.signUp', account);
    expect(signedUp.status).toBe(200);
    expect(signedUp.body).not.toHaveProperty('token');
    expect(signedUp.body).not.toHaveProperty('expiresAt');
    const cookieToken = browser.jar.cookies.get('session') ?? '';
    expect(cookieToken).not.toBe('');
    // Nothing a page script can call returns the cookie's token: not me, not a sign-in again.
    for (const operationId of ['auth.me', 'cart.get', 'orders.list']) {
      const answer = await browser.call(operationId);
      expect(JSON.stringify(answer.body)).not.toContain(cookieToken);
    }
    const again = await browser.call('auth.signIn', { email: account.email, password: account.password });
    expect(again.body).not.toHaveProperty('token');
    expect(JSON.stringify(again.body)).not.toContain(browser.jar.cookies.get('session') ?? '-');
    expect(again.response.headers.getSetCookie().find((c) => c.startsWith('session='))).toMatch(/HttpOnly/);

    const script = restClient(app, document);
    const signedIn = await script.call('auth.signIn', {
      email: account.email,
      password: account.password,
      session: 'token',
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.response.headers.getSetCookie()).toEqual([]);
    const { token } = tokenAnswer.parse(signedIn.body);
    expect(token).not.toBe(browser.jar.cookies.get('session'));
    expect(await meByToken(app, token)).toBe(account.email);
  });

  it('refuses a request that carries both the cookie and a bearer token, on tRPC and REST', async ({
    app,
  }) => {
    const client = createTestClient(app);
    await client.auth.signUp.mutate(newAccount());
    const cookie = `session=${client.jar.cookies.get('session')}`;
    const { answer } = await signUpForToken(app);
    const both = { cookie, ...bearer(answer.token) };

    for (const response of [
      await trpc(app, 'auth.me', { headers: both }),
      await trpc(app, 'cart.addItem', { headers: both, post: true, input: { variantId: 'v', quantity: 1 } }),
      await rawRequest(app, '/trpc/auth.me,store.info?batch=1&input={}', { headers: both }),
    ]) {
      expect(response.status).toBe(400);
      expect(trpcError.parse(await response.json()).error.data).toMatchObject({
        code: 'BAD_REQUEST',
        reason: 'AMBIGUOUS_CREDENTIALS',
      });
    }
    const rest = await rawRequest(app, '/api/v1/auth/me', { headers: both });
    expect(rest.status).toBe(400);
    expect(restErrorShape.parse(await rest.json())).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'AMBIGUOUS_CREDENTIALS',
    });
  });

  it('skips the cross-origin check for a bearer token without a cookie, and keeps it for the cookie', async ({
    app,
    shop,
  }) => {
    const { answer } = await signUpForToken(app);
    const input = { variantId: shop.white, quantity: 1 };
    const withToken = await trpc(app, 'cart.addItem', {
      input,
      post: true,
      headers: { ...CROSS_SITE, ...bearer(answer.token) },
    });
    expect(withToken.status).toBe(200);
    const restWithToken = await rawRequest(app, '/api/v1/cart/addItem', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CROSS_SITE, ...bearer(answer.token) },
      body: JSON.stringify(input),
    });
    expect(restWithToken.status).toBe(200);
    expect(await restWithToken.json()).toMatchObject({ itemCount: 2 });

    const client = createTestClient(app);
    await client.auth.signUp.mutate(newAccount());
    const withCookie = await trpc(app, 'cart.addItem', {
      input,
      post: true,
      headers: { ...CROSS_SITE, cookie: `session=${client.jar.cookies.get('session')}` },
    });
    expect(withCookie.status).toBe(403);
    expect(trpcError.parse(await withCookie.json()).error.data.reason).toBe('CROSS_ORIGIN');
    expect(await client.cart.get.query()).toMatchObject({ itemCount: 0 });
  });

  it('ends a token session at sign-out, on tRPC and on REST', async ({ app }) => {
    const first = await signUpForToken(app);
    const out = await trpc(app, 'auth.signOut', { post: true, headers: bearer(first.answer.token) });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()).toEqual([]);
    expect(await meByToken(app, first.answer.token)).toBeNull();

    const { document } = await fetchDocument(app);
    const signIn = await restClient(app, document).call('auth.signIn', {
      email: first.account.email,
      password: first.account.password,
      session: 'token',
    });
    const { token } = tokenAnswer.parse(signIn.body);
    const rest = restClient(app, document, { bearer: token });
    expect((await rest.call('auth.signOut')).status).toBe(200);
    const customerCall = await rest.call('orders.list');
    expect(customerCall.status).toBe(401);
    expect(restErrorShape.parse(customerCall.body).reason).toBe('UNAUTHENTICATED');
  });

  it('extends a used token session past half its life and ends an unused one at expiry', async ({ app }) => {
    const { account, answer } = await signUpForToken(app);
    const idle = await signUpForToken(app);
    app.clock.advance(20 * DAY);
    expect(await meByToken(app, answer.token)).toBe(account.email); // renewed: 30 days from now
    app.clock.advance(20 * DAY);
    expect(await meByToken(app, answer.token)).toBe(account.email);
    expect(await meByToken(app, idle.answer.token)).toBeNull();
    app.clock.advance(31 * DAY);
    expect(await meByToken(app, answer.token)).toBeNull();
  });

  it('ends the other token sessions of a user who changes the password', async ({ app }) => {
    const { account, answer } = await signUpForToken(app);
    const second = await trpc(app, 'auth.signIn', {
      post: true,
      input: { email: account.email, password: account.password, session: 'token' },
    });
    const other = tokenAnswer.parse(trpcData.parse(await second.json()).result.data);
    const changed = await trpc(app, 'auth.changePassword', {
      post: true,
      headers: bearer(answer.token),
      input: { currentPassword: account.password, newPassword: 'another long password' },
    });
    expect(changed.status).toBe(200);
    expect(await meByToken(app, answer.token)).toBe(account.email);
    expect(await meByToken(app, other.token)).toBeNull();
  });

  it('treats an unknown, malformed or other-scheme Authorization as signed out', async ({ app }) => {
    for (const authorization of ['Bearer not-a-real-token', 'Bearer ', 'Basic dXNlcjpwYXNz']) {
      const response = await trpc(app, 'orders.list', { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(trpcError.parse(await response.json()).error.data.reason).toBe('UNAUTHENTICATED');
    }
    expect(await tableRows(app, 'session')).toHaveLength(0);
  });
});
