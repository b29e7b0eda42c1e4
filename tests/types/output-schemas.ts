/**
 * Type-level test, checked by `npm run typecheck` (never executed): every answer schema a router
 * documents (`meta.output`, shared/schemas/outputs.ts) accepts what that procedure really answers,
 * so the OpenAPI document cannot promise a field or a type the answer does not have. The schemas
 * are not run on answers at runtime (server/trpc.ts ProcedureMeta says why); this holds them true.
 */
import type { z } from 'zod';
import type { RouterOutputs } from '../../shared/index.js';
import type {
  adminOrderSummaryOutput,
  adminProductCardOutput,
  adminProductOutput,
  adminShippingOptionOutput,
  adminVariantOutput,
  createdWebhookOutput,
  discountOutput,
  lowStockOutput,
  salesReportOutput,
  stockLevelOutput,
  stockMovementOutput,
  taxRateOutput,
  webhookDeliveryOutput,
  webhookOutput,
} from '../../shared/schemas/admin-outputs.js';
import type {
  cartOutput,
  categoryOutput,
  okOutput,
  orderOutput,
  orderSummaryOutput,
  placedOrderOutput,
  productCardOutput,
  productOutput,
  reviewOutput,
  shippingOptionOutput,
  signedInOutput,
  storeInfoOutput,
  totalsOutput,
  userOutput,
} from '../../shared/schemas/outputs.js';

/** Compiles only when every value of `Answer` is a value the schema accepts. */
type Documents<Schema extends z.ZodType, Answer extends z.input<Schema>> = [Schema, Answer];
type Page<Item extends z.ZodType> = { items: z.input<Item>[]; nextCursor: string | null };
type PageOf<Item extends z.ZodType, Answer extends Page<Item>> = [Item, Answer];

export type OutputSchemasHold = [
  Documents<typeof storeInfoOutput, RouterOutputs['store']['info']>,
  Documents<typeof signedInOutput, RouterOutputs['auth']['signUp']>,
  Documents<typeof signedInOutput, RouterOutputs['auth']['signIn']>,
  Documents<typeof okOutput, RouterOutputs['auth']['signOut']>,
  Documents<typeof userOutput, NonNullable<RouterOutputs['auth']['me']>>,
  Documents<typeof okOutput, RouterOutputs['auth']['changePassword']>,
  Documents<typeof okOutput, RouterOutputs['auth']['requestPasswordReset']>,
  Documents<typeof okOutput, RouterOutputs['auth']['resetPassword']>,
  Documents<typeof okOutput, RouterOutputs['auth']['requestEmailVerification']>,
  Documents<typeof okOutput, RouterOutputs['auth']['verifyEmail']>,
  Documents<typeof categoryOutput, RouterOutputs['catalog']['categories'][number]>,
  PageOf<typeof productCardOutput, RouterOutputs['catalog']['products']>,
  Documents<typeof productOutput, RouterOutputs['catalog']['product']>,
  PageOf<typeof reviewOutput, RouterOutputs['reviews']['list']>,
  Documents<typeof reviewOutput, RouterOutputs['reviews']['create']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['get']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['addItem']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['setQuantity']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['removeItem']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['clear']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['applyDiscount']>,
  Documents<typeof cartOutput, RouterOutputs['cart']['removeDiscount']>,
  Documents<typeof shippingOptionOutput, RouterOutputs['checkout']['shippingOptions'][number]>,
  Documents<typeof totalsOutput, RouterOutputs['checkout']['quote']>,
  Documents<typeof placedOrderOutput, RouterOutputs['checkout']['placeOrder']>,
  PageOf<typeof orderSummaryOutput, RouterOutputs['orders']['list']>,
  Documents<typeof orderOutput, RouterOutputs['orders']['get']>,
  Documents<typeof orderOutput, RouterOutputs['orders']['cancel']>,
];

type Admin = RouterOutputs['admin'];

export type AdminOutputSchemasHold = [
  Documents<typeof categoryOutput, Admin['categories']['create']>,
  Documents<typeof categoryOutput, Admin['categories']['update']>,
  Documents<typeof okOutput, Admin['categories']['delete']>,
  Documents<typeof adminProductOutput, Admin['products']['create']>,
  Documents<typeof adminProductOutput, Admin['products']['update']>,
  Documents<typeof adminProductOutput, Admin['products']['archive']>,
  Documents<typeof adminProductOutput, Admin['products']['get']>,
  PageOf<typeof adminProductCardOutput, Admin['products']['list']>,
  Documents<typeof adminVariantOutput, Admin['variants']['create']>,
  Documents<typeof adminVariantOutput, Admin['variants']['update']>,
  Documents<typeof stockLevelOutput, Admin['inventory']['adjust']>,
  Documents<typeof lowStockOutput, Admin['inventory']['lowStock'][number]>,
  PageOf<typeof stockMovementOutput, Admin['inventory']['ledger']>,
  Documents<typeof discountOutput, Admin['discounts']['create']>,
  Documents<typeof discountOutput, Admin['discounts']['list'][number]>,
  Documents<typeof discountOutput, Admin['discounts']['deactivate']>,
  Documents<typeof adminShippingOptionOutput, Admin['shipping']['create']>,
  Documents<typeof adminShippingOptionOutput, Admin['shipping']['list'][number]>,
  Documents<typeof adminShippingOptionOutput, Admin['shipping']['update']>,
  Documents<typeof okOutput, Admin['shipping']['delete']>,
  Documents<typeof taxRateOutput, Admin['tax']['set']>,
  Documents<typeof taxRateOutput, Admin['tax']['list'][number]>,
  PageOf<typeof adminOrderSummaryOutput, Admin['orders']['list']>,
  Documents<typeof orderOutput, Admin['orders']['get']>,
  Documents<typeof orderOutput, Admin['orders']['markPaid']>,
  Documents<typeof orderOutput, Admin['orders']['fulfill']>,
  Documents<typeof orderOutput, Admin['orders']['markDelivered']>,
  Documents<typeof orderOutput, Admin['orders']['cancel']>,
  PageOf<typeof userOutput, Admin['users']['list']>,
  Documents<typeof userOutput, Admin['users']['setRole']>,
  Documents<typeof salesReportOutput, Admin['reports']['sales']>,
  Documents<typeof createdWebhookOutput, Admin['webhooks']['create']>,
  Documents<typeof webhookOutput, Admin['webhooks']['list'][number]>,
  Documents<typeof okOutput, Admin['webhooks']['delete']>,
  Documents<typeof webhookDeliveryOutput, Admin['webhooks']['deliveries'][number]>,
];
