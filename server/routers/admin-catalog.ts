import { z } from 'zod';
import {
  adminProductCardOutput,
  adminProductOutput,
  adminVariantOutput,
  lowStockOutput,
  stockLevelOutput,
  stockMovementOutput,
} from '../../shared/schemas/admin-outputs.js';
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
import { categoryOutput, okOutput, pageOf } from '../../shared/schemas/outputs.js';
import { AppError } from '../errors.js';
import * as admin from '../services/catalog/catalog-writes.js';
import { findProduct, listProductsForAdmin } from '../services/catalog/products.js';
import { heavyRead } from '../services/catalog/read-turns.js';
import * as inventory from '../services/catalog/stock.js';
import { adminProcedure, router } from '../trpc.js';

export const adminCategoriesRouter = router({
  create: adminProcedure
    .meta({ output: categoryOutput })
    .input(categoryCreateInput)
    .mutation(({ ctx, input }) => admin.createCategory(ctx.engine, input, ctx.clock.now())),
  update: adminProcedure
    .meta({ output: categoryOutput })
    .input(categoryUpdateInput)
    .mutation(({ ctx, input }) => admin.updateCategory(ctx.engine, input, ctx.clock.now())),
  delete: adminProcedure
    .meta({ output: okOutput })
    .input(idInput)
    .mutation(({ ctx, input }) => admin.deleteCategory(ctx.engine, input.id)),
});

export const adminProductsRouter = router({
  create: adminProcedure
    .meta({ output: adminProductOutput })
    .input(productCreateInput)
    .mutation(async ({ ctx, input }) => ({
      ...(await admin.createProduct(ctx.engine, input, ctx.user.id, ctx.clock.now())),
      currency: ctx.config.STORE_CURRENCY,
    })),
  update: adminProcedure
    .meta({ output: adminProductOutput })
    .input(productUpdateInput)
    .mutation(async ({ ctx, input }) => ({
      ...(await admin.updateProduct(ctx.engine, input, ctx.clock.now())),
      currency: ctx.config.STORE_CURRENCY,
    })),
  archive: adminProcedure
    .meta({ output: adminProductOutput })
    .input(idInput)
    .mutation(async ({ ctx, input }) => ({
      ...(await admin.archiveProduct(ctx.engine, input.id, ctx.clock.now())),
      currency: ctx.config.STORE_CURRENCY,
    })),
  get: adminProcedure
    .meta({ output: adminProductOutput })
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const found = await findProduct(ctx.engine.read, { id: input.id }, { activeOnly: false });
      if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
      return { ...found, currency: ctx.config.STORE_CURRENCY };
    }),
  list: adminProcedure
    .meta({ output: pageOf(adminProductCardOutput) })
    .input(adminProductListInput)
    .query(({ ctx, input }) =>
      heavyRead(ctx.engine, () => listProductsForAdmin(ctx.engine.read, input, ctx.config.STORE_CURRENCY), {
        search: input.q !== undefined,
      }),
    ),
});

export const adminVariantsRouter = router({
  create: adminProcedure
    .meta({ output: adminVariantOutput })
    .input(variantCreateInput)
    .mutation(({ ctx, input }) => admin.createVariant(ctx.engine, input, ctx.user.id, ctx.clock.now())),
  update: adminProcedure
    .meta({ output: adminVariantOutput })
    .input(variantUpdateInput)
    .mutation(({ ctx, input }) => admin.updateVariant(ctx.engine, input, ctx.clock.now())),
});

export const adminInventoryRouter = router({
  adjust: adminProcedure
    .meta({ output: stockLevelOutput })
    .input(inventoryAdjustInput)
    .mutation(({ ctx, input }) => inventory.adjustStock(ctx.engine, input, ctx.user.id, ctx.clock.now())),
  lowStock: adminProcedure
    .meta({ output: z.array(lowStockOutput) })
    .input(lowStockInput)
    .query(({ ctx, input }) => inventory.lowStock(ctx.engine.read, input)),
  ledger: adminProcedure
    .meta({ output: pageOf(stockMovementOutput) })
    .input(inventoryLedgerInput)
    .query(({ ctx, input }) => inventory.ledger(ctx.engine.read, input)),
});
