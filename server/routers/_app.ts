import { router } from '../trpc.js';
import { adminRouter } from './admin.js';
import { authRouter } from './auth.js';
import { cartRouter } from './cart.js';
import { catalogRouter } from './catalog.js';
import { checkoutRouter } from './checkout.js';
import { ordersRouter } from './orders.js';
import { reviewsRouter } from './reviews.js';
import { storeRouter } from './store.js';

export const appRouter = router({
  store: storeRouter,
  auth: authRouter,
  catalog: catalogRouter,
  reviews: reviewsRouter,
  cart: cartRouter,
  checkout: checkoutRouter,
  orders: ordersRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
