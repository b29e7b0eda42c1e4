import { z } from 'zod';
import { productBySlugInput, productListInput, watchStockInput } from '../../shared/schemas/index.js';
import { categoryOutput, pageOf, productCardOutput, productOutput } from '../../shared/schemas/outputs.js';
import { AppError } from '../errors.js';
import { findProduct, listCategories, listProducts } from '../services/catalog/products.js';
import { heavyRead } from '../services/catalog/read-turns.js';
import { watchStock } from '../services/live/subscriptions.js';
import { publicProcedure, router } from '../trpc.js';

export const catalogRouter = router({
  categories: publicProcedure
    .meta({ output: z.array(categoryOutput) })
    .query(({ ctx }) => listCategories(ctx.engine.read)),

  // A list or search takes its own turn of the event loop on SQLite (services/read-turns.ts).
  products: publicProcedure
    .meta({ output: pageOf(productCardOutput) })
    .input(productListInput)
    .query(({ ctx, input }) =>
      heavyRead(ctx.engine, () => listProducts(ctx.engine.read, input, ctx.config.STORE_CURRENCY), {
        search: input.q !== undefined,
      }),
    ),

  product: publicProcedure
    .meta({ output: productOutput })
    .input(productBySlugInput)
    .query(async ({ ctx, input }) => {
      const found = await findProduct(ctx.engine.read, { slug: input.slug }, { activeOnly: true });
      if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
      const { status: _status, ...product } = found;
      return { ...product, currency: ctx.config.STORE_CURRENCY };
    }),

  /** Live: each variant's stock as it changes, for 1–50 products (docs/live-updates.md). */
  watchStock: publicProcedure.input(watchStockInput).subscription(async function* ({ ctx, input, signal }) {
    const sessionId = (await ctx.session.current())?.session.id ?? null;
    yield* watchStock({ ...ctx, sessionId }, input, signal);
  }),
});
