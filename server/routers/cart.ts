import {
  applyDiscountInput,
  cartQuantityInput,
  cartRemoveInput,
  cartSetQuantityInput,
} from '../../shared/schemas/index.js';
import type { Context } from '../context.js';
import * as carts from '../services/cart.js';
import { publicProcedure, router } from '../trpc.js';

/** The caller's cart owner: the signed-in user, else the guest cookie's token, else nobody yet. */
function ownerOf(ctx: Context): carts.CartOwner | null {
  const current = ctx.session.current();
  if (current) return { userId: current.user.id };
  const token = ctx.guestCart.token();
  return token ? { guestToken: token } : null;
}

/** The cart to write to, created (with its guest cookie) on the first write. */
function writableCart(ctx: Context) {
  const { cart, newGuestToken } = carts.ensureCart(ctx.db, ownerOf(ctx), ctx.clock.now());
  if (newGuestToken) ctx.guestCart.set(newGuestToken, carts.GUEST_CART_LIFETIME_MS);
  return cart;
}

function view(ctx: Context) {
  const owner = ownerOf(ctx);
  return carts.cartView(ctx.db, owner ? carts.findCart(ctx.db, owner) : undefined, {
    now: ctx.clock.now(),
    currency: ctx.config.STORE_CURRENCY,
    userId: ctx.session.current()?.user.id ?? null,
  });
}

export const cartRouter = router({
  get: publicProcedure.query(({ ctx }) => view(ctx)),

  addItem: publicProcedure.input(cartQuantityInput).mutation(({ ctx, input }) => {
    carts.changeLine(ctx.db, writableCart(ctx).id, { ...input, mode: 'add' }, ctx.clock.now());
    return view(ctx);
  }),

  setQuantity: publicProcedure.input(cartSetQuantityInput).mutation(({ ctx, input }) => {
    carts.changeLine(ctx.db, writableCart(ctx).id, { ...input, mode: 'set' }, ctx.clock.now());
    return view(ctx);
  }),

  removeItem: publicProcedure.input(cartRemoveInput).mutation(({ ctx, input }) => {
    carts.removeLine(ctx.db, writableCart(ctx).id, input.variantId, ctx.clock.now());
    return view(ctx);
  }),

  clear: publicProcedure.mutation(({ ctx }) => {
    carts.clearCart(ctx.db, writableCart(ctx).id, ctx.clock.now());
    return view(ctx);
  }),

  applyDiscount: publicProcedure.input(applyDiscountInput).mutation(({ ctx, input }) => {
    const userId = ctx.session.current()?.user.id ?? null;
    carts.applyDiscountCode(ctx.db, writableCart(ctx).id, input.code, { now: ctx.clock.now(), userId });
    return view(ctx);
  }),

  removeDiscount: publicProcedure.mutation(({ ctx }) => {
    carts.removeDiscountCode(ctx.db, writableCart(ctx).id, ctx.clock.now());
    return view(ctx);
  }),
});
