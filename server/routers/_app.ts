import { router } from '../trpc.js';
import { adminRouter } from './admin.js';
import { authRouter } from './auth.js';
import { catalogRouter } from './catalog.js';
import { storeRouter } from './store.js';

export const appRouter = router({
  store: storeRouter,
  auth: authRouter,
  catalog: catalogRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
