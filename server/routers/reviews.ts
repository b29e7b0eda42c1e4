import { reviewCreateInput, reviewListInput } from '../../shared/schemas/index.js';
import { createReview, listReviews } from '../services/catalog/reviews.js';
import { customerProcedure, publicProcedure, router } from '../trpc.js';

export const reviewsRouter = router({
  list: publicProcedure.input(reviewListInput).query(({ ctx, input }) => listReviews(ctx.db, input)),
  create: customerProcedure
    .input(reviewCreateInput)
    .mutation(({ ctx, input }) => createReview(ctx.db, ctx.user, input, ctx.clock.now())),
});
