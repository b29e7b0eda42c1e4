import { router } from '../trpc.js';
import { authRouter } from './auth.js';
import { storeRouter } from './store.js';

export const appRouter = router({
  store: storeRouter,
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
