import { type SQL, sql } from 'drizzle-orm';
import { withCountries } from '../stores/cart.js';
import type { CheckoutFacts, CheckoutStore, OrderPlacement } from '../stores/checkout.js';
import type { StockLevel } from '../stores/live.js';
import type { OrderStore } from '../stores/orders.js';
import type { PgExecutor } from './client.js';
import { liveEventsJson } from './live.js';
import { namedStatement } from './named-statement.js';
import { orderValues, orderWrites } from './orders.js';

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
/** The facts' FROM, with `joins` joined to the webhooks' one row (one value each, for every line). */
const factsFrom = (joins: SQL) => sql`
    FROM (SELECT coalesce(array_agg(w.id ORDER BY w.id COLLATE "C"), '{}') AS ids,
            coalesce(array_agg(w.events ORDER BY w.id COLLATE "C"), '{}') AS events FROM webhook w) AS hooks
    ${joins}
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
const factsStatement = namedStatement<FactsRow>('checkout_facts', sql`${factsSelect} ${factsFrom(sql``)}`);

/**
 * placeOrder's read: the facts, the key's earlier use (OrderStore.idempotencyKey) and the new
 * order's number (OrderStore.nextOrderNumber), in one round trip. The number is taken once, in a
 * materialized CTE (a volatile call in the select list would run once per cart line), and only
 * when an order can come of it: not for a used key (a replay) nor an empty cart (OrderFacts).
 */
const orderFactsStatement = namedStatement<
  FactsRow & {
    previous_hash: string | null;
    previous_order: string | null;
    previous_response: string | null;
    number: number | null;
  }
>(
  'checkout_order_facts',
  sql`
    WITH num AS MATERIALIZED (
      SELECT CASE WHEN NOT EXISTS (
          SELECT 1 FROM idempotency_key k WHERE k.user_id = ${ph('userId')}::text AND k.key = ${ph('key')}::text)
        AND EXISTS (
          SELECT 1 FROM cart c JOIN cart_item i ON i.cart_id = c.id WHERE c.user_id = ${ph('userId')}::text)
        THEN nextval('order_number_seq')::integer END AS n)
    ${factsSelect}, prev.request_hash AS previous_hash, prev.order_id AS previous_order,
      prev.response AS previous_response, num.n AS number
    ${factsFrom(sql`
    CROSS JOIN num
    LEFT JOIN idempotency_key prev ON prev.user_id = ${ph('userId')}::text AND prev.key = ${ph('key')}::text`)}`,
);

/**
 * Everything a placed order writes (db/stores/checkout.ts says which and in what order), in one
 * statement that placeOrder runs outside any transaction: it commits on its own, so the rows it
 * locks (a best-seller's variant, a popular discount) are held only while it runs and commits.
 * - It decides first and writes after, so that a refusal writes nothing and raises nothing (an
 *   ERROR would put the whole statement in the server's log, once per buyer of a sold-out item).
 *   The variant rows are locked in id order, then the discount's row: the order every placeOrder
 *   takes, so two orders sharing rows never deadlock. A locking read sees the row as the last
 *   commit left it (read committed), and the lock keeps it so until this statement commits.
 *   The lock is FOR NO KEY UPDATE, the one an UPDATE of the stock takes: FOR UPDATE would also
 *   wait for every FOR KEY SHARE a foreign-key check holds on the row (a cart line being added).
 * - The verdict is the first short line in id order (OUT_OF_STOCK), then a used-up discount
 *   (DISCOUNT_EXHAUSTED), as the composed store refuses them. Only an order that passes claims the
 *   key, with the order's id and answer, and every write happens only when it was claimed (a
 *   concurrent claim of the same key waits for the first request, then does nothing: KEY_TAKEN).
 * - The stock events' data is stockChangedEvent's text (db/stores/live.ts), built here from the
 *   stock the update left.
 * It answers one row per line taken, or one row of nulls when none was, each with the outcome, the
 * short variant and the last live-event id.
 */
const placeStatement = namedStatement<{
  outcome: 'PLACED' | 'KEY_TAKEN' | 'OUT_OF_STOCK' | 'DISCOUNT_EXHAUSTED';
  short_variant: string | null;
  variant_id: string | null;
  product_id: string | null;
  stock: number | null;
  last_event: number | null;
}>(
  'checkout_place_order',
  sql`
    WITH wanted AS MATERIALIZED (
      SELECT w.variant_id, w.product_id, w.quantity
      FROM jsonb_to_recordset(${ph('stock')}::jsonb) AS w(variant_id text, product_id text, quantity integer)),
    locked AS MATERIALIZED (
      SELECT v.id, v.stock FROM variant v
      WHERE v.id = ANY(${ph('variantIds')}::text[])
      ORDER BY v.id COLLATE "C" FOR NO KEY UPDATE),
    short AS MATERIALIZED (
      SELECT (SELECT w.variant_id FROM wanted w LEFT JOIN locked l ON l.id = w.variant_id
        WHERE l.stock IS NULL OR l.stock < w.quantity
        ORDER BY w.variant_id COLLATE "C" LIMIT 1) AS variant_id),
    room AS MATERIALIZED (
      SELECT d.id FROM discount d
      WHERE d.id = ${ph('discountId')}::text AND (SELECT variant_id FROM short) IS NULL
        AND (d.max_redemptions IS NULL OR d.redemptions < d.max_redemptions)
      FOR NO KEY UPDATE),
    verdict AS MATERIALIZED (
      SELECT CASE
        WHEN s.variant_id IS NOT NULL THEN 'OUT_OF_STOCK'
        WHEN ${ph('discountId')}::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM room) THEN 'DISCOUNT_EXHAUSTED'
        ELSE 'PLACED' END AS outcome, s.variant_id AS short_variant
      FROM short s),
    claimed AS (
      INSERT INTO idempotency_key (user_id, key, request_hash, order_id, response, created_at)
      SELECT ${ph('userId')}::text, ${ph('key')}::text, ${ph('requestHash')}::text, ${ph('id')}::text,
        ${ph('response')}::text, ${ph('now')}::bigint
      FROM verdict WHERE verdict.outcome = 'PLACED'
      ON CONFLICT DO NOTHING
      RETURNING key),
    ${orderWrites(sql`EXISTS (SELECT 1 FROM claimed)`)},
    taken AS (
      UPDATE variant v SET stock = v.stock - w.quantity, updated_at = ${ph('now')}::bigint
      FROM wanted w
      WHERE v.id = ANY(${ph('variantIds')}::text[]) AND v.id = w.variant_id AND EXISTS (SELECT 1 FROM claimed)
      RETURNING v.id AS variant_id, w.product_id, w.quantity, v.stock),
    ledger AS (
      INSERT INTO inventory_movement
        (variant_id, delta, stock_after, reason, note, actor_id, order_id, created_at)
      SELECT variant_id, -quantity, stock, 'order', NULL, ${ph('userId')}::text, ${ph('id')}::text,
        ${ph('now')}::bigint
      FROM taken),
    redemption AS (
      INSERT INTO discount_redemption (order_id, discount_id, user_id, created_at)
      SELECT ${ph('id')}::text, room.id, ${ph('userId')}::text, ${ph('now')}::bigint
      FROM room WHERE EXISTS (SELECT 1 FROM claimed)),
    redeemed AS (
      UPDATE discount SET redemptions = redemptions + 1
      WHERE id IN (SELECT id FROM room) AND EXISTS (SELECT 1 FROM claimed)),
    cleared AS (
      DELETE FROM cart_item WHERE cart_id = ${ph('cartId')}::text AND EXISTS (SELECT 1 FROM claimed)),
    emptied AS (
      UPDATE cart SET discount_id = NULL, updated_at = ${ph('now')}::bigint
      WHERE id = ${ph('cartId')}::text AND EXISTS (SELECT 1 FROM claimed)),
    messages AS MATERIALIZED (
      SELECT m.id, m.kind, m.payload, m.webhook_id, m.event, m.created_at
      FROM jsonb_to_recordset(${ph('messages')}::jsonb) AS m(id text, kind text, payload text,
        webhook_id text, event text, created_at bigint)
      WHERE EXISTS (SELECT 1 FROM claimed)),
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
        WHERE EXISTS (SELECT 1 FROM claimed)
        UNION ALL
        SELECT 1, t.variant_id, 'stock', 'stock.changed', NULL, NULL, t.product_id, t.variant_id,
          '{"available":' || t.stock || '}'
        FROM taken t) AS e
      ORDER BY e.part, e.position COLLATE "C"
      RETURNING id)
    SELECT CASE WHEN v.outcome = 'PLACED' AND NOT EXISTS (SELECT 1 FROM claimed) THEN 'KEY_TAKEN'
        ELSE v.outcome END AS outcome,
      v.short_variant, t.variant_id, t.product_id, t.stock, (SELECT max(id) FROM events) AS last_event
    FROM verdict v LEFT JOIN taken t ON true
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
export function postgresCheckout(
  db: PgExecutor,
  orders: Pick<OrderStore, 'idempotencyKey'>,
  appended: (lastId: number) => void,
): CheckoutStore {
  return {
    facts: async (query) => factsOf((await factsStatement(db, { ...query })).rows),
    async orderFacts(query) {
      const { rows } = await orderFactsStatement(db, { ...query });
      const [first] = rows;
      if (!first) throw new Error('the order facts statement returned no row');
      const previous =
        first.previous_hash === null
          ? undefined
          : {
              requestHash: first.previous_hash,
              orderId: first.previous_order,
              response: first.previous_response,
            };
      return { ...factsOf(rows), previous, number: first.number };
    },
    async place(p: OrderPlacement) {
      const { rows } = await placeStatement(db, {
        ...orderValues(p.order),
        key: p.key.key,
        requestHash: p.key.requestHash,
        response: p.key.response,
        cartId: p.cartId,
        stock: JSON.stringify(
          p.stock.map((s) => ({ variant_id: s.variantId, product_id: s.productId, quantity: s.quantity })),
        ),
        // The ids again as an array: `id = ANY(…)` is an index lookup in the generic plan, where a
        // join on the JSON's rows (estimated at 100) scanned the whole variant table.
        variantIds: p.stock.map((s) => s.variantId),
        messages: JSON.stringify(
          p.messages.map((m) => ({
            id: m.id,
            kind: m.kind,
            payload: m.payload,
            webhook_id: m.webhookId,
            event: m.event,
            created_at: m.createdAt,
          })),
        ),
        events: liveEventsJson(p.events),
      });
      const [first] = rows;
      if (first?.outcome === 'KEY_TAKEN') return { ok: false, reason: 'KEY_TAKEN' };
      if (first?.outcome === 'OUT_OF_STOCK' || first?.outcome === 'DISCOUNT_EXHAUSTED') {
        // A request with the same key may have committed while this one waited for the rows, and
        // taken the stock or the discount's last use: its answer, as when it claimed the key first.
        if (await orders.idempotencyKey(p.key.userId, p.key.key)) return { ok: false, reason: 'KEY_TAKEN' };
        return first.outcome === 'DISCOUNT_EXHAUSTED'
          ? { ok: false, reason: 'DISCOUNT_EXHAUSTED' }
          : { ok: false, reason: 'OUT_OF_STOCK', variantId: first.short_variant ?? '' };
      }
      // One row per line taken, or one row of nulls when none was.
      const left: StockLevel[] = rows.flatMap((row) =>
        row.variant_id === null || row.product_id === null || row.stock === null
          ? []
          : [{ variantId: row.variant_id, productId: row.product_id, available: row.stock }],
      );
      appended(rows[0]?.last_event ?? 0);
      return { ok: true, left };
    },
  };
}
