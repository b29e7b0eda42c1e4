import { router } from '../trpc.js';
import {
  adminCategoriesRouter,
  adminInventoryRouter,
  adminProductsRouter,
  adminVariantsRouter,
} from './admin-catalog.js';

export const adminRouter = router({
  categories: adminCategoriesRouter,
  products: adminProductsRouter,
  variants: adminVariantsRouter,
  inventory: adminInventoryRouter,
});
