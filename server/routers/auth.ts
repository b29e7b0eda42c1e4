import { changePasswordInput, signInInput, signUpInput } from '../../shared/schemas/index.js';
import * as auth from '../services/auth.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const account = await auth.signUp(ctx.db, input, ctx.clock.now());
    ctx.session.start(account.id);
    return { user: auth.toUser(account) };
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const account = await auth.signIn(ctx.db, input, { clientIp: ctx.clientIp, now: ctx.clock.now() });
    ctx.session.start(account.id);
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
