import { changePasswordInput, signInInput, signUpInput } from '../../shared/schemas/index.js';
import type { Context } from '../context.js';
import * as auth from '../services/auth.js';
import { mergeGuestCart } from '../services/cart.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

/** Starts the user's session and brings the guest cart along. */
function signedIn(ctx: Context, userId: string) {
  ctx.session.start(userId);
  const guestToken = ctx.guestCart.token();
  if (guestToken) {
    mergeGuestCart(ctx.db, guestToken, userId, ctx.clock.now());
    ctx.guestCart.clear();
  }
}

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const account = await auth.signUp(ctx.db, input, ctx.clock.now());
    signedIn(ctx, account.id);
    return { user: auth.toUser(account) };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const account = await auth.signIn(ctx.db, input, { clientIp: ctx.clientIp, now: ctx.clock.now() });
    signedIn(ctx, account.id);
    return { user: auth.toUser(account) };
  }),

  signOut: publicProcedure.mutation(({ ctx }) => {
    ctx.session.end();
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) => {
    const current = ctx.session.current();
    return current ? auth.toUser(current.user) : null;
  }),

  changePassword: customerProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await auth.changePassword(
      ctx.db,
      { userId: ctx.user.id, sessionId: ctx.sessionId },
      input,
      ctx.clock.now(),
    );
    return { ok: true as const };
  }),
});
