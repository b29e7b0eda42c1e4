import { storeInfoOutput } from '../../shared/schemas/outputs.js';
import { publicProcedure, router } from '../trpc.js';

export const storeRouter = router({
  info: publicProcedure.meta({ output: storeInfoOutput }).query(({ ctx }) => ({
    name: ctx.config.STORE_NAME,
    currency: ctx.config.STORE_CURRENCY,
  })),
});
