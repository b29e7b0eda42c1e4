import {
  applyDiscountInput,
  cartQuantityInput,
  cartRemoveInput,
  cartSetQuantityInput,
} from '../../shared/schemas/index.js';
import type { Context } from '../context.js';
import * as carts from '../services/cart/cart.js';
import { type CartChange, writeCart } from '../services/cart/cart-writes.js';
import { publicProcedure, router } from '../trpc.js';

/** The caller's cart owner: the signed-in user, else the guest cookie's token, else nobody yet. */
async function ownerOf(ctx: Context): Promise<carts.CartOwner | null> {
  const current = await ctx.session.current();
  if (current) return { userId: current.user.id };
  const token = ctx.guestCart.token();
  return token ? { guestToken: token } : null;
}

const facts = async (ctx: Context) => ({
  now: ctx.clock.now(),
  currency: ctx.config.STORE_CURRENCY,
  userId: (await ctx.session.current())?.user.id ?? null,
});

async function view(ctx: Context) {
  const owner = await ownerOf(ctx);
  return carts.cartView(ctx.db, owner ? carts.findCart(ctx.db, owner) : undefined, await facts(ctx));
}

/**
 * Writes to the caller's cart in the group commit (creating it, with its guest cookie, on the first
 * write), then answers the cart as it is after that COMMIT.
 */
async function write(ctx: Context, change: CartChange) {
  const written = await writeCart(ctx.db, await ownerOf(ctx), change, ctx.clock.now());
  if (written.newGuestToken) ctx.guestCart.set(written.newGuestToken, carts.GUEST_CART_LIFETIME_MS);
  return carts.cartView(ctx.db, written.cart, await facts(ctx));
}

export const cartRouter = router({
  get: publicProcedure.query(({ ctx }) => view(ctx)),

  addItem: publicProcedure
    .input(cartQuantityInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'add', ...input })),

  setQuantity: publicProcedure
    .input(cartSetQuantityInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'set', ...input })),

  removeItem: publicProcedure
    .input(cartRemoveInput)
    .mutation(({ ctx, input }) => write(ctx, { kind: 'remove', variantId: input.variantId })),

  clear: publicProcedure.mutation(({ ctx }) => write(ctx, { kind: 'clear' })),

  applyDiscount: publicProcedure.input(applyDiscountInput).mutation(async ({ ctx, input }) =>
    write(ctx, {
      kind: 'applyDiscount',
      code: input.code,
      userId: (await ctx.session.current())?.user.id ?? null,
    }),
  ),

  removeDiscount: publicProcedure.mutation(({ ctx }) => write(ctx, { kind: 'removeDiscount' })),
});
