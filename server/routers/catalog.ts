import { productBySlugInput, productListInput } from '../../shared/schemas/index.js';
import { AppError } from '../errors.js';
import { findProduct, listCategories, listProducts } from '../services/catalog/catalog.js';
import { inReadTurn } from '../services/catalog/read-turns.js';
import { publicProcedure, router } from '../trpc.js';

export const catalogRouter = router({
  categories: publicProcedure.query(({ ctx }) => listCategories(ctx.db)),

  // A list or search takes its own turn of the event loop (services/read-turns.ts).
  products: publicProcedure
    .input(productListInput)
    .query(({ ctx, input }) =>
      inReadTurn(ctx.db, () => listProducts(ctx.db, input, ctx.config.STORE_CURRENCY)),
    ),

  product: publicProcedure.input(productBySlugInput).query(({ ctx, input }) => {
    const found = findProduct(ctx.db, { slug: input.slug }, { activeOnly: true });
    if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
    const { status: _status, ...product } = found;
    return { ...product, currency: ctx.config.STORE_CURRENCY };
  }),
});
