import {
  applyDiscountInput,
  cartQuantityInput,
  cartRemoveInput,
  cartSetQuantityInput,
} from '../../shared/schemas/index.js';
import type { Context } from '../context.js';
import * as carts from '../services/cart/cart.js';
import { type CartChange, changeCart } from '../services/cart/cart-writes.js';
import { publicProcedure, router } from '../trpc.js';

/** The caller's cart owner: the signed-in user, else the guest cookie's token, else nobody yet. */
function ownerOf(ctx: Context): carts.CartOwner | null {
  const current = ctx.session.current();
  if (current) return { userId: current.user.id };
  const token = ctx.guestCart.token();
  return token ? { guestToken: token } : null;
}

const facts = (ctx: Context) => ({
  now: ctx.clock.now(),
  currency: ctx.config.STORE_CURRENCY,
  userId: ctx.session.current()?.user.id ?? null,
});

async function view(ctx: Context) {
  const owner = ownerOf(ctx);
  const read = ctx.engine.read;
  return carts.viewCart(read, owner ? await carts.cartOf(read, owner) : undefined, facts(ctx));
}

/**
 * Writes to the caller's cart in one transaction (on SQLite, in the group commit) (creating it, with its guest cookie, on the first
 * write), then answers the cart as it is after that COMMIT.
 */
async function write(ctx: Context, change: CartChange) {
  const written = await changeCart(ctx.engine, ownerOf(ctx), change, ctx.clock.now());
  if (written.newGuestToken) ctx.guestCart.set(written.newGuestToken, carts.GUEST_CART_LIFETIME_MS);
  // Read after the COMMIT returned: the read connection sees it.
  return carts.viewCart(ctx.engine.read, written.cart, facts(ctx));
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

  applyDiscount: publicProcedure.input(applyDiscountInput).mutation(({ ctx, input }) =>
    write(ctx, {
      kind: 'applyDiscount',
      code: input.code,
      userId: ctx.session.current()?.user.id ?? null,
    }),
  ),

  removeDiscount: publicProcedure.mutation(({ ctx }) => write(ctx, { kind: 'removeDiscount' })),
});
