import { z } from 'zod';
import { placeOrderInput, quoteInput, shippingOptionsInput } from '../../shared/schemas/index.js';
import { placedOrderOutput, shippingOptionOutput, totalsOutput } from '../../shared/schemas/outputs.js';
import * as checkout from '../services/orders/checkout.js';
import { otherAreas } from '../services/orders/other-areas.js';
import { placeOrder } from '../services/orders/place-order.js';
import { customerProcedure, router } from '../trpc.js';

export const checkoutRouter = router({
  shippingOptions: customerProcedure
    .meta({ output: z.array(shippingOptionOutput) })
    .input(shippingOptionsInput)
    .query(({ ctx, input }) =>
      checkout.shippingOptionsFor(ctx.engine.read, otherAreas(ctx.engine.read), {
        userId: ctx.user.id,
        country: input.country,
        now: ctx.clock.now(),
      }),
    ),

  quote: customerProcedure
    .meta({ output: totalsOutput })
    .input(quoteInput)
    .query(({ ctx, input }) =>
      checkout.quote(
        ctx.engine.read,
        otherAreas(ctx.engine.read),
        {
          userId: ctx.user.id,
          address: input.shippingAddress,
          shippingOptionId: input.shippingOptionId,
          now: ctx.clock.now(),
        },
        ctx.config.STORE_CURRENCY,
      ),
    ),

  placeOrder: customerProcedure
    .meta({ output: placedOrderOutput })
    .input(placeOrderInput)
    .mutation(({ ctx, input }) =>
      placeOrder(
        {
          engine: ctx.engine,
          payments: ctx.payments,
          currency: ctx.config.STORE_CURRENCY,
          now: ctx.clock.now(),
        },
        ctx.user,
        input,
      ),
    ),
});
