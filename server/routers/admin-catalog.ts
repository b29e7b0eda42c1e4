import {
  adminProductListInput,
  categoryCreateInput,
  categoryUpdateInput,
  idInput,
  inventoryAdjustInput,
  inventoryLedgerInput,
  lowStockInput,
  productCreateInput,
  productUpdateInput,
  variantCreateInput,
  variantUpdateInput,
} from '../../shared/schemas/index.js';
import { AppError } from '../errors.js';
import { findProduct, listProductsForAdmin } from '../services/catalog/catalog.js';
import * as admin from '../services/catalog/catalog-admin.js';
import * as inventory from '../services/catalog/inventory.js';
import { inReadTurn } from '../services/catalog/read-turns.js';
import { adminProcedure, router } from '../trpc.js';

export const adminCategoriesRouter = router({
  create: adminProcedure
    .input(categoryCreateInput)
    .mutation(({ ctx, input }) => admin.createCategory(ctx.db, input, ctx.clock.now())),
  update: adminProcedure
    .input(categoryUpdateInput)
    .mutation(({ ctx, input }) => admin.updateCategory(ctx.db, input, ctx.clock.now())),
  delete: adminProcedure.input(idInput).mutation(({ ctx, input }) => admin.deleteCategory(ctx.db, input.id)),
});

export const adminProductsRouter = router({
  create: adminProcedure.input(productCreateInput).mutation(({ ctx, input }) => ({
    ...admin.createProduct(ctx.db, input, ctx.user.id, ctx.clock.now()),
    currency: ctx.config.STORE_CURRENCY,
  })),
  update: adminProcedure.input(productUpdateInput).mutation(({ ctx, input }) => ({
    ...admin.updateProduct(ctx.db, input, ctx.clock.now()),
    currency: ctx.config.STORE_CURRENCY,
  })),
  archive: adminProcedure.input(idInput).mutation(({ ctx, input }) => ({
    ...admin.archiveProduct(ctx.db, input.id, ctx.clock.now()),
    currency: ctx.config.STORE_CURRENCY,
  })),
  get: adminProcedure.input(idInput).query(({ ctx, input }) => {
    const found = findProduct(ctx.db, { id: input.id }, { activeOnly: false });
    if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
    return { ...found, currency: ctx.config.STORE_CURRENCY };
  }),
  list: adminProcedure
    .input(adminProductListInput)
    .query(({ ctx, input }) =>
      inReadTurn(ctx.db, () => listProductsForAdmin(ctx.db, input, ctx.config.STORE_CURRENCY)),
    ),
});

export const adminVariantsRouter = router({
  create: adminProcedure
    .input(variantCreateInput)
    .mutation(({ ctx, input }) => admin.createVariant(ctx.db, input, ctx.user.id, ctx.clock.now())),
  update: adminProcedure
    .input(variantUpdateInput)
    .mutation(({ ctx, input }) => admin.updateVariant(ctx.db, input, ctx.clock.now())),
});

export const adminInventoryRouter = router({
  adjust: adminProcedure
    .input(inventoryAdjustInput)
    .mutation(({ ctx, input }) => inventory.adjustStock(ctx.db, input, ctx.user.id, ctx.clock.now())),
  lowStock: adminProcedure.input(lowStockInput).query(({ ctx, input }) => inventory.lowStock(ctx.db, input)),
  ledger: adminProcedure
    .input(inventoryLedgerInput)
    .query(({ ctx, input }) => inventory.ledger(ctx.db, input)),
});
