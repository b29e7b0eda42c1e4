import { reviewCreateInput, reviewListInput } from '../../shared/schemas/index.js';
import { pageOf, reviewOutput } from '../../shared/schemas/outputs.js';
import { createReview, listReviews } from '../services/catalog/product-reviews.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

export const reviewsRouter = router({
  list: publicProcedure
    .meta({ output: pageOf(reviewOutput) })
    .input(reviewListInput)
    .query(({ ctx, input }) => listReviews(ctx.engine.read, input)),
  create: customerProcedure
    .meta({ output: reviewOutput })
    .input(reviewCreateInput)
    .mutation(({ ctx, input }) => createReview(ctx.engine, ctx.user, input, ctx.clock.now())),
});
