import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { user } from '../../db/schema/index.js';
import { createRequestContext } from '../../server/context.js';
import {
  adminProcedure,
  createCallerFactory,
  customerProcedure,
  publicProcedure,
  router,
} from '../../server/trpc.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';

// A stand-in area built from the real procedure builders, as later areas will be.
const areaRouter = router({
  open: publicProcedure.query(() => 'anyone'),
  mine: customerProcedure.query(({ ctx }) => ctx.user.email),
  manage: adminProcedure.query(({ ctx }) => `admin ${ctx.user.email}`),
});
const createCaller = createCallerFactory(areaRouter);

let t: TestApp;
afterEach(() => t.close());

function callerWithCookie(sessionToken: string | null) {
  return createCaller(
    createRequestContext(t.deps, {
      sessionToken,
      cartToken: null,
      clientIp: '127.0.0.1',
      requestId: 'test',
      resHeaders: new Headers(),
    }),
  );
}

async function signedUpToken(email?: string) {
  const client = createTestClient(t);
  const account = newAccount(email ? { email } : {});
  await client.auth.signUp.mutate(account);
  return { token: client.jar.cookies.get('session') ?? null, account };
}

describe('procedure roles', () => {
  it('answers UNAUTHORIZED to signed-out callers of customer and admin procedures', async () => {
    t = createTestApp();
    const anonymous = callerWithCookie(null);
    expect(await anonymous.open()).toBe('anyone');
    await expect(anonymous.mine()).rejects.toMatchObject({ code: 'UNAUTHORIZED', reason: 'UNAUTHENTICATED' });
    await expect(anonymous.manage()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'UNAUTHENTICATED',
    });
  });

  it('answers FORBIDDEN to customers calling admin procedures', async () => {
    t = createTestApp();
    const { token, account } = await signedUpToken();
    const customer = callerWithCookie(token);
    expect(await customer.mine()).toBe(account.email);
    await expect(customer.manage()).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
  });

  it('lets admins through, and the role is read from the database on every request', async () => {
    t = createTestApp();
    const { token, account } = await signedUpToken();
    t.deps.db.update(user).set({ role: 'admin' }).where(eq(user.email, account.email)).run();
    expect(await callerWithCookie(token).manage()).toBe(`admin ${account.email}`);
    t.deps.db.update(user).set({ role: 'customer' }).where(eq(user.email, account.email)).run();
    await expect(callerWithCookie(token).manage()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
