import { productBySlugInput, productListInput } from '../../shared/schemas/index.js';
import { AppError } from '../errors.js';
import { findProduct, listCategories, listProducts } from '../services/catalog.js';
import { publicProcedure, router } from '../trpc.js';

export const catalogRouter = router({
  categories: publicProcedure.query(({ ctx }) => listCategories(ctx.db)),

  products: publicProcedure
    .input(productListInput)
    .query(({ ctx, input }) => listProducts(ctx.db, input, ctx.config.STORE_CURRENCY)),

  product: publicProcedure.input(productBySlugInput).query(({ ctx, input }) => {
    const found = findProduct(ctx.db, { slug: input.slug }, { activeOnly: true });
    if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
    const { status: _status, ...product } = found;
    return { ...product, currency: ctx.config.STORE_CURRENCY };
  }),
});
