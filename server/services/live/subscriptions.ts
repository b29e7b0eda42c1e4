import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type {
  watchAdminOrdersInput,
  watchOrderInput,
  watchStockInput,
} from '../../../shared/schemas/index.js';
import { AppError } from '../../errors.js';
import type { LiveHub } from '../../live/hub.js';
import { type Holder, watch } from '../../live/watch.js';
import { adminOrderFeed, orderFeed, stockFeed } from './feeds.js';

/** What a subscription reads of the request's context. */
export interface LiveContext {
  engine: Engine;
  live: LiveHub;
  clientIp: string;
}

const options = (
  ctx: LiveContext,
  holder: Holder,
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
) => ({
  hub: ctx.live,
  engine: ctx.engine,
  holder,
  lastEventId,
  signal,
});

/** orders.watch: the customer's own order (another user's is NOT_FOUND, like a missing one). */
export async function* watchOrder(
  ctx: LiveContext & { user: { id: string }; sessionId: string },
  input: z.output<typeof watchOrderInput>,
  signal: AbortSignal | undefined,
) {
  if (!(await ctx.engine.read.orders.order(input.id, ctx.user.id))) {
    throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such order');
  }
  const holder = { sessionId: ctx.sessionId, clientIp: ctx.clientIp };
  yield* watch(options(ctx, holder, input.lastEventId, signal), orderFeed(ctx.engine, input.id, ctx.user.id));
}

/** catalog.watchStock: public; counted per session when signed in, else per client address. */
export async function* watchStock(
  ctx: LiveContext & { sessionId: string | null },
  input: z.output<typeof watchStockInput>,
  signal: AbortSignal | undefined,
) {
  const holder = { sessionId: ctx.sessionId, clientIp: ctx.clientIp };
  yield* watch(options(ctx, holder, input.lastEventId, signal), stockFeed(input.productIds));
}

/** admin.orders.watch: every order's moves. */
export async function* watchAdminOrders(
  ctx: LiveContext & { sessionId: string },
  input: z.output<typeof watchAdminOrdersInput>,
  signal: AbortSignal | undefined,
) {
  const holder = { sessionId: ctx.sessionId, clientIp: ctx.clientIp };
  yield* watch(options(ctx, holder, input?.lastEventId, signal), adminOrderFeed(ctx.engine));
}
