import { reviewCreateInput, reviewListInput } from '../../shared/schemas/index.js';
import { createReview, listReviews } from '../services/catalog/product-reviews.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

export const reviewsRouter = router({
  list: publicProcedure.input(reviewListInput).query(({ ctx, input }) => listReviews(ctx.engine.read, input)),
  create: customerProcedure
    .input(reviewCreateInput)
    // NOTE: ctx.db only for the orders area's legacy hasBought (see product-reviews.ts).
    .mutation(({ ctx, input }) => createReview(ctx.engine, ctx.db, ctx.user, input, ctx.clock.now())),
});
