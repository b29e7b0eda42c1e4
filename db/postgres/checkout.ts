import { sql } from 'drizzle-orm';
import { withCountries } from '../stores/cart.js';
import type { CheckoutFacts, CheckoutStore, OrderCompletion } from '../stores/checkout.js';
import type { StockLevel } from '../stores/live.js';
import type { PgExecutor } from './client.js';
import { liveEventsJson } from './live.js';
import { namedStatement } from './named-statement.js';

const ph = sql.placeholder;

/** One row per cart line (one row with the line columns null when the cart has none, or no cart). */
interface FactsRow {
  cart_id: string | null;
  discount_id: string | null;
  variant_id: string | null;
  product_id: string;
  product_slug: string;
  product_name: string;
  variant_name: string;
  sku: string;
  image_url: string | null;
  unit_price: number;
  quantity: number;
  available: number;
  option_id: string | null;
  option_name: string;
  countries: string;
  price: number;
  free_over_subtotal: number | null;
  min_days: number;
  max_days: number;
  rate_bps: number | null;
  webhook_ids: string[];
  webhook_events: string[];
}

/** What pricing reads and the webhooks: one row per cart line (see FactsRow). */
const factsSelect = sql`
    SELECT c.id AS cart_id, c.discount_id,
      v.id AS variant_id, p.id AS product_id, p.slug AS product_slug, p.name AS product_name,
      v.name AS variant_name, v.sku, (p.images::jsonb) ->> 0 AS image_url, v.price AS unit_price,
      ci.quantity, CASE WHEN p.status = 'active' THEN v.stock ELSE 0 END AS available,
      so.id AS option_id, so.name AS option_name, so.countries, so.price, so.free_over_subtotal,
      so.min_days, so.max_days, tr.rate_bps,
      hooks.ids AS webhook_ids, hooks.events AS webhook_events`;
const factsFrom = sql`
    FROM (SELECT coalesce(array_agg(w.id ORDER BY w.id COLLATE "C"), '{}') AS ids,
            coalesce(array_agg(w.events ORDER BY w.id COLLATE "C"), '{}') AS events FROM webhook w) AS hooks
    LEFT JOIN cart c ON c.user_id = ${ph('userId')}::text
    LEFT JOIN (cart_item ci
      JOIN variant v ON v.id = ci.variant_id
      JOIN product p ON p.id = v.product_id) ON ci.cart_id = c.id
    LEFT JOIN shipping_option so ON so.id = ${ph('shippingOptionId')}::text
    LEFT JOIN tax_rate tr ON tr.country = ${ph('country')}::text
    ORDER BY ci.added_at, ci.variant_id COLLATE "C"`;

/**
 * What pricing reads (the user's cart and its lines, the option, the tax rate) and the webhooks:
 * the queries of db/postgres/cart.ts and integrations.ts, joined into one round trip.
 */
const factsStatement = namedStatement<FactsRow>('checkout_facts', sql`${factsSelect} ${factsFrom}`);

/**
 * The idempotency key claimed (OrderStore.claimIdempotencyKey's INSERT … ON CONFLICT DO NOTHING)
 * and the facts read, in one round trip; `claimed` is 0 when the key was taken (facts unused then).
 */
const claimAndReadStatement = namedStatement<FactsRow & { claimed: number }>(
  'checkout_claim_and_read',
  sql`
    WITH claimed AS (
      INSERT INTO idempotency_key (user_id, key, request_hash, created_at)
      VALUES (${ph('userId')}::text, ${ph('key')}::text, ${ph('requestHash')}::text, ${ph('now')}::bigint)
      ON CONFLICT DO NOTHING
      RETURNING key)
    ${factsSelect}, (SELECT count(*) FROM claimed)::integer AS claimed
    ${factsFrom}`,
);

/**
 * A placed order's writes after its row (db/stores/checkout.ts says which and in what order), one
 * round trip. The variant rows are locked in id order before they are taken, as the line-by-line
 * path does, so two orders sharing variants never deadlock. The lock is FOR NO KEY UPDATE, the one
 * an UPDATE of the stock takes: FOR UPDATE would also wait for every FOR KEY SHARE a foreign-key
 * check holds on the row (a cart line being added, an order line checked; before those were checked
 * at COMMIT, two orders for one variant deadlocked on it). A line with too little stock is not in
 * `taken` (and nothing is counted for the discount then); the caller rolls back on any refusal. The
 * stock events' data is stockChangedEvent's text (db/stores/live.ts), built here from the stock the
 * update left. It answers one row per line taken, or one row of nulls when none was (an order
 * without lines must still learn whether its discount was counted and its last event id).
 */
const completeStatement = namedStatement<{
  variant_id: string | null;
  product_id: string | null;
  stock: number | null;
  redeemed: number;
  last_event: number;
}>(
  'checkout_complete_order',
  sql`
    WITH wanted AS MATERIALIZED (
      SELECT w.variant_id, w.product_id, w.quantity
      FROM jsonb_to_recordset(${ph('stock')}::jsonb) AS w(variant_id text, product_id text, quantity integer)),
    locked AS MATERIALIZED (
      SELECT v.id FROM variant v WHERE v.id = ANY(${ph('variantIds')}::text[])
      ORDER BY v.id COLLATE "C" FOR NO KEY UPDATE),
    taken AS (
      UPDATE variant v SET stock = v.stock - w.quantity, updated_at = ${ph('now')}::bigint
      FROM locked l JOIN wanted w ON w.variant_id = l.id
      WHERE v.id = ANY(${ph('variantIds')}::text[]) AND v.id = l.id AND v.stock >= w.quantity
      RETURNING v.id AS variant_id, w.product_id, w.quantity, v.stock),
    ledger AS (
      INSERT INTO inventory_movement
        (variant_id, delta, stock_after, reason, note, actor_id, order_id, created_at)
      SELECT variant_id, -quantity, stock, 'order', NULL, ${ph('userId')}::text, ${ph('orderId')}::text,
        ${ph('now')}::bigint
      FROM taken),
    redemption AS (
      INSERT INTO discount_redemption (order_id, discount_id, user_id, created_at)
      SELECT ${ph('orderId')}::text, ${ph('discountId')}::text, ${ph('userId')}::text, ${ph('now')}::bigint
      WHERE ${ph('discountId')}::text IS NOT NULL),
    redeemed AS (
      UPDATE discount SET redemptions = redemptions + 1
      WHERE id = ${ph('discountId')}::text
        AND (max_redemptions IS NULL OR redemptions < max_redemptions)
        AND (SELECT count(*) FROM taken) = (SELECT count(*) FROM wanted)
      RETURNING id),
    cleared AS (DELETE FROM cart_item WHERE cart_id = ${ph('cartId')}::text),
    emptied AS (
      UPDATE cart SET discount_id = NULL, updated_at = ${ph('now')}::bigint
      WHERE id = ${ph('cartId')}::text),
    keyed AS (
      UPDATE idempotency_key SET order_id = ${ph('orderId')}::text, response = ${ph('response')}::text
      WHERE user_id = ${ph('userId')}::text AND key = ${ph('key')}::text),
    messages AS MATERIALIZED (
      SELECT m.id, m.kind, m.payload, m.webhook_id, m.event, m.created_at
      FROM jsonb_to_recordset(${ph('messages')}::jsonb) AS m(id text, kind text, payload text,
        webhook_id text, event text, created_at bigint)),
    hooks AS (
      SELECT w.id FROM webhook w WHERE w.id IN (SELECT webhook_id FROM messages) FOR KEY SHARE),
    queued AS (
      INSERT INTO outbox_message (id, kind, payload, webhook_id, event, next_attempt_at, created_at)
      SELECT m.id, m.kind, m.payload, m.webhook_id, m.event, m.created_at, m.created_at
      FROM messages m
      WHERE m.webhook_id IS NULL OR m.webhook_id IN (SELECT id FROM hooks)),
    events AS (
      INSERT INTO live_event (topic, kind, order_id, user_id, product_id, variant_id, data, created_at)
      SELECT e.topic, e.kind, e.order_id, e.user_id, e.product_id, e.variant_id, e.data, ${ph('now')}::bigint
      FROM (
        SELECT 0 AS part, lpad(o.ord::text, 12, '0') AS position, o.topic, o.kind, o.order_id, o.user_id,
          o.product_id, o.variant_id, o.data
        FROM ROWS FROM (jsonb_to_recordset(${ph('events')}::jsonb) AS (topic text, kind text,
          order_id text, user_id text, product_id text, variant_id text, data text))
          WITH ORDINALITY AS o(topic, kind, order_id, user_id, product_id, variant_id, data, ord)
        UNION ALL
        SELECT 1, t.variant_id, 'stock', 'stock.changed', NULL, NULL, t.product_id, t.variant_id,
          '{"available":' || t.stock || '}'
        FROM taken t) AS e
      ORDER BY e.part, e.position COLLATE "C"
      RETURNING id)
    SELECT t.variant_id, t.product_id, t.stock,
      (SELECT count(*) FROM redeemed)::integer AS redeemed,
      (SELECT max(id) FROM events) AS last_event
    FROM (VALUES (1)) AS one (n) LEFT JOIN taken t ON true
    ORDER BY t.variant_id COLLATE "C"`,
);

/** The facts from their rows (one per cart line). */
function factsOf(rows: FactsRow[]): CheckoutFacts {
  const [first] = rows;
  const option =
    first?.option_id == null
      ? undefined
      : withCountries({
          id: first.option_id,
          name: first.option_name,
          countries: first.countries,
          price: first.price,
          freeOverSubtotal: first.free_over_subtotal,
          minDays: first.min_days,
          maxDays: first.max_days,
        });
  const webhookIds = first?.webhook_ids ?? [];
  return {
    cart: first?.cart_id == null ? undefined : { id: first.cart_id, discountId: first.discount_id },
    lines: rows.flatMap((row) =>
      row.variant_id == null
        ? []
        : [
            {
              variantId: row.variant_id,
              productId: row.product_id,
              productSlug: row.product_slug,
              productName: row.product_name,
              variantName: row.variant_name,
              sku: row.sku,
              imageUrl: row.image_url,
              unitPrice: row.unit_price,
              quantity: row.quantity,
              available: row.available,
            },
          ],
    ),
    option,
    rateBps: first?.rate_bps ?? undefined,
    webhooks: webhookIds.map((id, i) => ({ id, events: first?.webhook_events[i] ?? '[]' })),
  };
}

/**
 * placeOrder's queries on PostgreSQL: one statement each (db/stores/checkout.ts). `appended` hears
 * the highest live-event id written, as the live store's append does.
 */
export function postgresCheckout(db: PgExecutor, appended: (lastId: number) => void): CheckoutStore {
  return {
    facts: async (query) => factsOf((await factsStatement(db, { ...query })).rows),
    async claimAndRead(claim, query) {
      const { rows } = await claimAndReadStatement(db, { ...claim, ...query });
      return rows[0]?.claimed === 1 ? factsOf(rows) : null;
    },
    async completeOrder(c: OrderCompletion) {
      const { rows } = await completeStatement(db, {
        orderId: c.orderId,
        userId: c.userId,
        now: c.now,
        cartId: c.cartId,
        key: c.key,
        response: c.response,
        discountId: c.discountId,
        stock: JSON.stringify(
          c.stock.map((s) => ({ variant_id: s.variantId, product_id: s.productId, quantity: s.quantity })),
        ),
        // The ids again as an array: `id = ANY(…)` is an index lookup in the generic plan, where a
        // join on the JSON's rows (estimated at 100) scanned the whole variant table.
        variantIds: c.stock.map((s) => s.variantId),
        messages: JSON.stringify(
          c.messages.map((m) => ({
            id: m.id,
            kind: m.kind,
            payload: m.payload,
            webhook_id: m.webhookId,
            event: m.event,
            created_at: m.createdAt,
          })),
        ),
        events: liveEventsJson(c.events),
      });
      // One row per line taken, or one row of nulls when none was: the counts are on every row.
      const left: StockLevel[] = rows.flatMap((row) =>
        row.variant_id === null || row.product_id === null || row.stock === null
          ? []
          : [{ variantId: row.variant_id, productId: row.product_id, available: row.stock }],
      );
      const short = c.stock.find((line) => !left.some((taken) => taken.variantId === line.variantId));
      if (short) return { ok: false, reason: 'OUT_OF_STOCK', variantId: short.variantId };
      if (c.discountId && rows[0]?.redeemed !== 1) return { ok: false, reason: 'DISCOUNT_EXHAUSTED' };
      appended(rows[0]?.last_event ?? 0);
      return { ok: true, left };
    },
  };
}
