import { publicProcedure, router } from '../trpc.js';

export const storeRouter = router({
  info: publicProcedure.query(({ ctx }) => ({
    name: ctx.config.STORE_NAME,
    currency: ctx.config.STORE_CURRENCY,
  })),
});
