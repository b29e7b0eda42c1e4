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
import * as admin from '../services/catalog/catalog-writes.js';
import { findProduct, listProductsForAdmin } from '../services/catalog/products.js';
import { heavyRead } from '../services/catalog/read-turns.js';
import * as inventory from '../services/catalog/stock.js';
import { adminProcedure, router } from '../trpc.js';

export const adminCategoriesRouter = router({
  create: adminProcedure
    .input(categoryCreateInput)
    .mutation(({ ctx, input }) => admin.createCategory(ctx.engine, input, ctx.clock.now())),
  update: adminProcedure
    .input(categoryUpdateInput)
    .mutation(({ ctx, input }) => admin.updateCategory(ctx.engine, input, ctx.clock.now())),
  delete: adminProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => admin.deleteCategory(ctx.engine, input.id)),
});

export const adminProductsRouter = router({
  create: adminProcedure.input(productCreateInput).mutation(async ({ ctx, input }) => ({
    ...(await admin.createProduct(ctx.engine, input, ctx.user.id, ctx.clock.now())),
    currency: ctx.config.STORE_CURRENCY,
  })),
  update: adminProcedure.input(productUpdateInput).mutation(async ({ ctx, input }) => ({
    ...(await admin.updateProduct(ctx.engine, input, ctx.clock.now())),
    currency: ctx.config.STORE_CURRENCY,
  })),
  archive: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => ({
    ...(await admin.archiveProduct(ctx.engine, input.id, ctx.clock.now())),
    currency: ctx.config.STORE_CURRENCY,
  })),
  get: adminProcedure.input(idInput).query(async ({ ctx, input }) => {
    const found = await findProduct(ctx.engine.read, { id: input.id }, { activeOnly: false });
    if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
    return { ...found, currency: ctx.config.STORE_CURRENCY };
  }),
  list: adminProcedure
    .input(adminProductListInput)
    .query(({ ctx, input }) =>
      heavyRead(ctx.engine, () => listProductsForAdmin(ctx.engine.read, input, ctx.config.STORE_CURRENCY)),
    ),
});

export const adminVariantsRouter = router({
  create: adminProcedure
    .input(variantCreateInput)
    .mutation(({ ctx, input }) => admin.createVariant(ctx.engine, input, ctx.user.id, ctx.clock.now())),
  update: adminProcedure
    .input(variantUpdateInput)
    .mutation(({ ctx, input }) => admin.updateVariant(ctx.engine, input, ctx.clock.now())),
});

export const adminInventoryRouter = router({
  adjust: adminProcedure
    .input(inventoryAdjustInput)
    .mutation(({ ctx, input }) => inventory.adjustStock(ctx.engine, input, ctx.user.id, ctx.clock.now())),
  lowStock: adminProcedure
    .input(lowStockInput)
    .query(({ ctx, input }) => inventory.lowStock(ctx.engine.read, input)),
  ledger: adminProcedure
    .input(inventoryLedgerInput)
    .query(({ ctx, input }) => inventory.ledger(ctx.engine.read, input)),
});
