import {
  applyDiscountInput,
  cartQuantityInput,
  cartRemoveInput,
  cartSetQuantityInput,
} from '../../shared/schemas/index.js';
import { cartOutput } from '../../shared/schemas/outputs.js';
import type { Context } from '../context.js';
import * as carts from '../services/cart/cart.js';
import { type CartChange, changeCart } from '../services/cart/cart-writes.js';
import { publicProcedure, router } from '../trpc.js';

/**
 * Who is asking: the signed-in user's id, and the cart owner (that user, else the guest cookie's
 * token, else nobody yet). NOTE: awaited so it holds whether the session handle answers at once or
 * with a promise (the accounts area makes `current()` async).
 */
async function callerOf(ctx: Context): Promise<{ userId: string | null; owner: carts.CartOwner | null }> {
  const userId = (await ctx.session.current())?.user.id ?? null;
  if (userId) return { userId, owner: { userId } };
  const token = ctx.guestCart.token();
  return { userId, owner: token ? { guestToken: token } : null };
}

const facts = (ctx: Context, userId: string | null) => ({
  now: ctx.clock.now(),
  currency: ctx.config.STORE_CURRENCY,
  userId,
});

async function view(ctx: Context) {
  const { userId, owner } = await callerOf(ctx);
  const read = ctx.engine.read;
  return carts.viewCart(read, owner ? await carts.cartOf(read, owner) : undefined, facts(ctx, userId));
}

/**
 * Writes to the caller's cart in one transaction (on SQLite a unit of the group commit), creating
 * it (with its guest cookie) on the first write, then answers the cart as it is after that COMMIT.
 */
async function write(ctx: Context, change: CartChange) {
  const { userId, owner } = await callerOf(ctx);
  const written = await changeCart(ctx.engine, owner, change, ctx.clock.now());
  if (written.newGuestToken) ctx.guestCart.set(written.newGuestToken, carts.GUEST_CART_LIFETIME_MS);
  // Read after the COMMIT returned: the read connection sees it.
  return carts.viewCart(ctx.engine.read, written.cart, facts(ctx, userId));
}

export const cartRouter = router({
  get: publicProcedure.meta({ output: cartOutput }).query(({ ctx }) => view(ctx)),

  addItem: publicProcedure
    .meta({ output: cartOutput })
    .input(cartQuantityInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'add', ...input })),

  setQuantity: publicProcedure
    .meta({ output: cartOutput })
    .input(cartSetQuantityInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'set', ...input })),

  removeItem: publicProcedure
    .meta({ output: cartOutput })
    .input(cartRemoveInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'remove', variantId: input.variantId })),

  clear: publicProcedure.meta({ output: cartOutput }).mutation(({ ctx }) => write(ctx, { kind: 'clear' })),

  applyDiscount: publicProcedure
    .meta({ output: cartOutput })
    .input(applyDiscountInput)
    .mutation(async ({ ctx, input }) =>
      write(ctx, {
        kind: 'applyDiscount',
        code: input.code,
        userId: (await ctx.session.current())?.user.id ?? null,
      }),
    ),

  removeDiscount: publicProcedure
    .meta({ output: cartOutput })
    .mutation(({ ctx }) => write(ctx, { kind: 'removeDiscount' })),
});
