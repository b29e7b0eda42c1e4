import { idInput, pageInput, watchOrderInput } from '../../shared/schemas/index.js';
import { orderOutput, orderSummaryOutput, pageOf } from '../../shared/schemas/outputs.js';
import { CUSTOMER_CANCELLABLE } from '../domain/order-status.js';
import { watchOrder } from '../services/live/subscriptions.js';
import { cancelOrder } from '../services/orders/order-lifecycle.js';
import { listOrderSummaries, loadOrder } from '../services/orders/order-view.js';
import { customerProcedure, router } from '../trpc.js';

/** The signed-in customer's own orders; anyone else's answer NOT_FOUND, like a missing id. */
export const ordersRouter = router({
  list: customerProcedure
    .meta({ output: pageOf(orderSummaryOutput) })
    .input(pageInput)
    .query(async ({ ctx, input }) => {
      const page = await listOrderSummaries(ctx.engine.read, { userId: ctx.user.id }, input);
      return { ...page, items: page.items.map(({ email: _email, ...summary }) => summary) };
    }),

  get: customerProcedure
    .meta({ output: orderOutput })
    .input(idInput)
    .query(({ ctx, input }) => loadOrder(ctx.engine.read, input.id, { userId: ctx.user.id })),

  cancel: customerProcedure
    .meta({ output: orderOutput })
    .input(idInput)
    .mutation(({ ctx, input }) =>
      cancelOrder(ctx, input.id, {
        actorId: ctx.user.id,
        ownerId: ctx.user.id,
        now: ctx.clock.now(),
        note: 'Cancelled by the customer',
        allowedFrom: CUSTOMER_CANCELLABLE,
      }),
    ),

  /** Live: the order now (without lastEventId), then after each change (docs/live-updates.md). */
  watch: customerProcedure
    .input(watchOrderInput)
    .subscription(({ ctx, input, signal }) => watchOrder(ctx, input, signal)),
});
