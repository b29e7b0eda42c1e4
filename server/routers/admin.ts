import { router } from '../trpc.js';
import {
  adminCategoriesRouter,
  adminInventoryRouter,
  adminProductsRouter,
  adminVariantsRouter,
} from './admin-catalog.js';
import {
  adminDiscountsRouter,
  adminOrdersRouter,
  adminReportsRouter,
  adminShippingRouter,
  adminTaxRouter,
  adminUsersRouter,
  adminWebhooksRouter,
} from './admin-commerce.js';

export const adminRouter = router({
  categories: adminCategoriesRouter,
  products: adminProductsRouter,
  variants: adminVariantsRouter,
  inventory: adminInventoryRouter,
  discounts: adminDiscountsRouter,
  shipping: adminShippingRouter,
  tax: adminTaxRouter,
  orders: adminOrdersRouter,
  users: adminUsersRouter,
  reports: adminReportsRouter,
  webhooks: adminWebhooksRouter,
});
