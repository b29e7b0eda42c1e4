import {
  changePasswordInput,
  requestPasswordResetInput,
  resetPasswordInput,
  type SessionKind,
  signInInput,
  signUpInput,
  verifyEmailInput,
} from '../../shared/schemas/index.js';
import { okOutput, signedInOutput, userOutput } from '../../shared/schemas/outputs.js';
import { consumeAttempt } from '../auth/rate-limit.js';
import { storefrontUrl } from '../config.js';
import type { Context } from '../context.js';
import * as tokens from '../services/accounts/account-tokens.js';
import * as auth from '../services/accounts/auth.js';
import { moveGuestCart } from '../services/cart/cart-writes.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

/**
 * Brings the guest cart along (in the group commit), then starts the user's session: a merge the
 * database refuses answers 503 without a new session, so a retry starts from where it was. The
 * answer is the user, and for `session: 'token'` the new session's bearer token; a cookie
 * session's token stays in its HttpOnly cookie: no answer ever carries it.
 */
async function signedIn(ctx: Context, user: auth.User, via: SessionKind | undefined) {
  const guestToken = ctx.guestCart.token();
  if (guestToken) {
    await moveGuestCart(ctx.engine, guestToken, user.id, ctx.clock.now());
    ctx.guestCart.clear();
  }
  if (via === 'token') {
    const issued = await ctx.session.start(user.id, 'token');
    return { user, token: issued.token, expiresAt: issued.expiresAt };
  }
  await ctx.session.start(user.id, 'cookie');
  return { user };
}

export const authRouter = router({
  signUp: publicProcedure
    .meta({ output: signedInOutput })
    .input(signUpInput)
    .mutation(async ({ ctx, input }) => {
      const account = await auth.signUp(ctx.engine, ctx.passwords, input, {
        now: ctx.clock.now(),
        storefrontUrl: storefrontUrl(ctx.config),
        clientIp: ctx.clientIp,
        limitPerHour: ctx.config.SIGN_UP_LIMIT_PER_HOUR,
      });
      return signedIn(ctx, auth.toUser(account), input.session);
    }),

  signIn: publicProcedure
    .meta({ output: signedInOutput })
    .input(signInInput)
    .mutation(async ({ ctx, input }) => {
      const account = await auth.signIn(ctx.engine, ctx.passwords, input, {
        clientIp: ctx.clientIp,
        now: ctx.clock.now(),
      });
      return signedIn(ctx, auth.toUser(account), input.session);
    }),

  signOut: publicProcedure.meta({ output: okOutput }).mutation(async ({ ctx }) => {
    await ctx.session.end();
    return { ok: true as const };
  }),

  me: publicProcedure.meta({ output: userOutput.nullable() }).query(async ({ ctx }) => {
    const current = await ctx.session.current();
    return current ? auth.toUser(current.user) : null;
  }),

  changePassword: customerProcedure
    .meta({ output: okOutput })
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      await auth.changePassword(
        ctx.engine,
        ctx.passwords,
        { userId: ctx.user.id, sessionId: ctx.sessionId },
        input,
        ctx.clock.now(),
      );
      return { ok: true as const };
    }),

  /** Always `{ ok: true }`, so the answer never tells whether the email has an account. */
  requestPasswordReset: publicProcedure
    .meta({ output: okOutput })
    .input(requestPasswordResetInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      // NOTE: at most 5 reset mails per email an hour; past that the request is dropped silently.
      const allowed = await consumeAttempt(
        ctx.engine,
        [{ key: `reset:${input.email}`, limit: 5, windowMs: 3_600_000 }],
        now,
      );
      if (allowed.ok)
        await tokens.requestPasswordReset(ctx.engine, input.email, storefrontUrl(ctx.config), now);
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .meta({ output: okOutput })
    .input(resetPasswordInput)
    .mutation(async ({ ctx, input }) => {
      await auth.resetPassword(ctx.engine, ctx.passwords, input, ctx.clock.now());
      return { ok: true as const };
    }),

  requestEmailVerification: customerProcedure.meta({ output: okOutput }).mutation(async ({ ctx }) => {
    await tokens.requestEmailVerification(ctx.engine, ctx.user, storefrontUrl(ctx.config), ctx.clock.now());
    return { ok: true as const };
  }),

  verifyEmail: publicProcedure
    .meta({ output: okOutput })
    .input(verifyEmailInput)
    .mutation(async ({ ctx, input }) => {
      await tokens.verifyEmail(ctx.engine, input.token, ctx.clock.now());
      return { ok: true as const };
    }),
});
