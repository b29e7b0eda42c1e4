import { z } from 'zod';
import { idSchema } from './common.js';

/** The id of the last live event a client received (tRPC's httpSubscriptionLink sends it back). */
export const lastEventIdSchema = z.string().regex(/^\d{1,15}$/, 'Expected an event id');

export const watchOrderInput = z.strictObject({ id: idSchema, lastEventId: lastEventIdSchema.optional() });

export const watchStockInput = z.strictObject({
  productIds: z.array(idSchema).min(1).max(50),
  lastEventId: lastEventIdSchema.optional(),
});

export const watchAdminOrdersInput = z.strictObject({ lastEventId: lastEventIdSchema.optional() }).optional();
