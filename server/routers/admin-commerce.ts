import { z } from 'zod';
import {
  adminOrderSummaryOutput,
  adminShippingOptionOutput,
  createdWebhookOutput,
  discountOutput,
  salesReportOutput,
  taxRateOutput,
  webhookDeliveryOutput,
  webhookOutput,
} from '../../shared/schemas/admin-outputs.js';
import {
  adminCancelInput,
  discountCreateInput,
  fulfillInput,
  idInput,
  orderListAdminInput,
  salesReportInput,
  setRoleInput,
  shippingCreateInput,
  shippingUpdateInput,
  taxSetInput,
  userListInput,
  watchAdminOrdersInput,
  webhookCreateInput,
  webhookDeliveriesInput,
} from '../../shared/schemas/index.js';
import { okOutput, orderOutput, pageOf, userOutput } from '../../shared/schemas/outputs.js';
import * as users from '../services/accounts/users.js';
import * as discounts from '../services/cart/discounts.js';
import * as shipping from '../services/cart/shipping.js';
import * as webhooks from '../services/integrations/webhooks.js';
import { watchAdminOrders } from '../services/live/subscriptions.js';
import * as orders from '../services/orders/order-lifecycle.js';
import { listOrderSummaries, loadOrder } from '../services/orders/order-view.js';
import { salesReport } from '../services/orders/reports.js';
import { adminProcedure, router } from '../trpc.js';

export const adminDiscountsRouter = router({
  create: adminProcedure
    .meta({ output: discountOutput })
    .input(discountCreateInput)
    .mutation(({ ctx, input }) => discounts.addDiscount(ctx.engine, input, ctx.clock.now())),
  list: adminProcedure
    .meta({ output: z.array(discountOutput) })
    .query(({ ctx }) => discounts.discountList(ctx.engine.read)),
  deactivate: adminProcedure
    .meta({ output: discountOutput })
    .input(idInput)
    .mutation(({ ctx, input }) => discounts.endDiscount(ctx.engine, input.id)),
});

export const adminShippingRouter = router({
  create: adminProcedure
    .meta({ output: adminShippingOptionOutput })
    .input(shippingCreateInput)
    .mutation(({ ctx, input }) => shipping.addShippingOption(ctx.engine, input, ctx.clock.now())),
  list: adminProcedure
    .meta({ output: z.array(adminShippingOptionOutput) })
    .query(({ ctx }) => shipping.shippingOptionList(ctx.engine.read)),
  update: adminProcedure
    .meta({ output: adminShippingOptionOutput })
    .input(shippingUpdateInput)
    .mutation(({ ctx, input }) => shipping.editShippingOption(ctx.engine, input)),
  delete: adminProcedure
    .meta({ output: okOutput })
    .input(idInput)
    .mutation(({ ctx, input }) => shipping.removeShippingOption(ctx.engine, input.id)),
});

export const adminTaxRouter = router({
  set: adminProcedure
    .meta({ output: taxRateOutput })
    .input(taxSetInput)
    .mutation(({ ctx, input }) => shipping.putTaxRate(ctx.engine, input, ctx.clock.now())),
  list: adminProcedure
    .meta({ output: z.array(taxRateOutput) })
    .query(({ ctx }) => shipping.taxRateList(ctx.engine.read)),
});

export const adminOrdersRouter = router({
  list: adminProcedure
    .meta({ output: pageOf(adminOrderSummaryOutput) })
    .input(orderListAdminInput)
    .query(({ ctx, input }) =>
      listOrderSummaries(
        ctx.engine.read,
        { ...(input.status && { status: input.status }), ...(input.q && { search: input.q }) },
        input,
      ),
    ),
  get: adminProcedure
    .meta({ output: orderOutput })
    .input(idInput)
    .query(({ ctx, input }) => loadOrder(ctx.engine.read, input.id)),
  markPaid: adminProcedure
    .meta({ output: orderOutput })
    .input(idInput)
    .mutation(({ ctx, input }) =>
      orders.markPaid(ctx, input.id, { actorId: ctx.user.id, now: ctx.clock.now() }),
    ),
  fulfill: adminProcedure
    .meta({ output: orderOutput })
    .input(fulfillInput)
    .mutation(({ ctx, input }) =>
      orders.fulfill(ctx, input.id, input.trackingNumber, { actorId: ctx.user.id, now: ctx.clock.now() }),
    ),
  markDelivered: adminProcedure
    .meta({ output: orderOutput })
    .input(idInput)
    .mutation(({ ctx, input }) =>
      orders.markDelivered(ctx, input.id, { actorId: ctx.user.id, now: ctx.clock.now() }),
    ),
  cancel: adminProcedure
    .meta({ output: orderOutput })
    .input(adminCancelInput)
    .mutation(({ ctx, input }) =>
      orders.cancelOrder(ctx, input.id, {
        actorId: ctx.user.id,
        now: ctx.clock.now(),
        note: input.note ?? 'Cancelled by the shop',
      }),
    ),
  /** Live: every order's moves (docs/live-updates.md). */
  watch: adminProcedure
    .input(watchAdminOrdersInput)
    .subscription(({ ctx, input, signal }) => watchAdminOrders(ctx, input, signal)),
});

export const adminUsersRouter = router({
  list: adminProcedure
    .meta({ output: pageOf(userOutput) })
    .input(userListInput)
    .query(({ ctx, input }) => users.listUsers(ctx.engine.read, input)),
  setRole: adminProcedure
    .meta({ output: userOutput })
    .input(setRoleInput)
    .mutation(({ ctx, input }) => users.setRole(ctx.engine, input, ctx.clock.now())),
});

export const adminReportsRouter = router({
  sales: adminProcedure
    .meta({ output: salesReportOutput })
    .input(salesReportInput)
    .query(({ ctx, input }) => salesReport(ctx.engine.read, input, ctx.config.STORE_CURRENCY)),
});

export const adminWebhooksRouter = router({
  create: adminProcedure
    .meta({ output: createdWebhookOutput })
    .input(webhookCreateInput)
    .mutation(({ ctx, input }) =>
      webhooks.createWebhook(ctx.engine, input, {
        now: ctx.clock.now(),
        allowPrivateTargets: ctx.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      }),
    ),
  list: adminProcedure
    .meta({ output: z.array(webhookOutput) })
    .query(({ ctx }) => webhooks.listWebhooks(ctx.engine.read)),
  delete: adminProcedure
    .meta({ output: okOutput })
    .input(idInput)
    .mutation(({ ctx, input }) => webhooks.deleteWebhook(ctx.engine, input.id)),
  deliveries: adminProcedure
    .meta({ output: z.array(webhookDeliveryOutput) })
    .input(webhookDeliveriesInput)
    .query(({ ctx, input }) => webhooks.deliveries(ctx.engine.read, input.webhookId)),
});
