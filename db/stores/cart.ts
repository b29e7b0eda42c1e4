/**
 * The cart area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/cart.ts, db/postgres/cart.ts). Rows come back in the same shapes on both engines.
 * Covers carts and their lines, discount codes, shipping options and tax rates.
 */

/** A cart's id and attached discount code. */
export interface CartRow {
  id: string;
  discountId: string | null;
}

export interface CartLineRow {
  variantId: string;
  productId: string;
  productSlug: string;
  productName: string;
  variantName: string;
  sku: string;
  imageUrl: string | null;
  unitPrice: number;
  quantity: number;
  /** Units that can be bought now: the stock, or 0 when the product is not on sale. */
  available: number;
}

/** What a line change needs to know, in one read: the variant's product status, its stock, the line now. */
export interface LineForWrite {
  status: 'active' | 'draft' | 'archived';
  stock: number;
  /** The line's quantity in this cart, null when the cart has no such line. */
  quantity: number | null;
}

export interface LineWrite {
  cartId: string;
  variantId: string;
  quantity: number;
  now: number;
}

/** A discount code as stored (epoch-ms timestamps). */
export interface DiscountRecord {
  id: string;
  code: string;
  kind: 'percent' | 'fixed';
  value: number;
  minSubtotal: number;
  startsAt: number | null;
  endsAt: number | null;
  maxRedemptions: number | null;
  oncePerCustomer: boolean;
  redemptions: number;
  active: boolean;
  createdAt: number;
}

/** What deciding whether a code holds reads. */
export type DiscountRule = Omit<DiscountRecord, 'createdAt'>;

/** A shipping option as stored, its countries parsed (empty: ships everywhere). */
export interface ShippingOptionRecord {
  id: string;
  name: string;
  countries: string[];
  price: number;
  freeOverSubtotal: number | null;
  minDays: number;
  maxDays: number;
}

export type ShippingOptionFields = Omit<ShippingOptionRecord, 'id'>;

export interface TaxRateRecord {
  country: string;
  rateBps: number;
}

export interface CartStore {
  cartOfUser(userId: string): Promise<CartRow | undefined>;
  /** The guest cart whose cookie token hashes to `tokenHash`. */
  cartOfGuest(tokenHash: string): Promise<CartRow | undefined>;
  /**
   * The same, for a write: the row stays locked until the transaction ends, so concurrent writes to
   * one cart run one after another (PostgreSQL: SELECT … FOR UPDATE; SQLite's write transactions
   * are serial already, so these are the plain reads).
   */
  lockedCartOfUser(userId: string): Promise<CartRow | undefined>;
  lockedCartOfGuest(tokenHash: string): Promise<CartRow | undefined>;
  /** The cart's lines with current prices and availability, oldest first. */
  lines(cartId: string): Promise<CartLineRow[]>;
  /** undefined: no such variant. */
  lineForWrite(cartId: string, variantId: string): Promise<LineForWrite | undefined>;
  /** Inserts the user's cart unless the user has one already (then does nothing). */
  insertUserCart(cart: { id: string; userId: string; now: number }): Promise<void>;
  insertGuestCart(cart: { id: string; tokenHash: string; now: number }): Promise<void>;
  deleteCart(cartId: string): Promise<void>;
  /** Deletes the guest carts untouched since `before` (their cookie has expired); returns how many. */
  deleteGuestCartsBefore(before: number): Promise<number>;
  /** Sets a line's quantity (1–99), inserting the line when the cart has none for that variant. */
  putLine(line: LineWrite): Promise<void>;
  deleteLine(cartId: string, variantId: string): Promise<void>;
  clearLines(cartId: string): Promise<void>;
  /** Deletes the cart's lines and forgets its discount: the cart has just become an order. */
  empty(cartId: string, now: number): Promise<void>;
  touch(cartId: string, now: number): Promise<void>;
  setDiscount(cartId: string, discountId: string | null, now: number): Promise<void>;

  discountIdByCode(code: string): Promise<string | undefined>;
  discountRule(discountId: string): Promise<DiscountRule | undefined>;
  /** Whether this customer already has an order with this code. */
  discountUsedBy(discountId: string, userId: string): Promise<boolean>;
  /** false: the code is taken (nothing written). */
  insertDiscount(row: DiscountRecord): Promise<boolean>;
  /** Newest first. */
  discounts(): Promise<DiscountRecord[]>;
  /** The discount after the change; undefined: no such discount. */
  deactivateDiscount(discountId: string): Promise<DiscountRecord | undefined>;
  /**
   * Counts one use of the code, atomically: false (nothing written) when its limit is reached.
   * For placing an order: one conditional UPDATE, so the limit holds under concurrency.
   */
  redeemDiscount(discountId: string): Promise<boolean>;
  /** Gives one use back (a cancelled order), never below zero. */
  releaseDiscount(discountId: string): Promise<void>;

  /** Cheapest first, then by name. */
  shippingOptions(): Promise<ShippingOptionRecord[]>;
  shippingOption(id: string): Promise<ShippingOptionRecord | undefined>;
  insertShippingOption(option: ShippingOptionRecord, now: number): Promise<void>;
  /** false: no such option. */
  updateShippingOption(id: string, changes: Partial<ShippingOptionFields>): Promise<boolean>;
  /** false: no such option. */
  deleteShippingOption(id: string): Promise<boolean>;
  setTaxRate(rate: TaxRateRecord, now: number): Promise<void>;
  /** The rate in basis points; undefined: none set for that country. */
  taxRateOf(country: string): Promise<number | undefined>;
  /** By country. */
  taxRates(): Promise<TaxRateRecord[]>;
}

/** Countries are stored as a JSON array of strings (a CHECK keeps it an array). */
export const withCountries = (
  row: Omit<ShippingOptionRecord, 'countries'> & { countries: string },
): ShippingOptionRecord => ({ ...row, countries: JSON.parse(row.countries) as string[] });

/** Only the fields given, the countries as stored. */
export function shippingColumnsOf(changes: Partial<Omit<ShippingOptionRecord, 'id'>>) {
  const { countries, ...rest } = changes;
  return { ...rest, ...(countries !== undefined && { countries: JSON.stringify(countries) }) };
}
