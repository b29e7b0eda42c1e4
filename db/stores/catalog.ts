import type { ProductSort } from '../../shared/schemas/index.js';

/**
 * The catalog area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/catalog.ts, db/postgres/catalog.ts). Rows come back in the same shapes on both engines.
 * Rules (what may be bought, who may review, which error) live in server/services/catalog, not here.
 * A write refused by a unique constraint answers `false` (never a driver error). NOTE: on PostgreSQL
 * that refusal ends the transaction it ran in, so the caller must fail it (throw), never carry on.
 */
export interface CatalogStore {
  /** One page (limit + 1 rows) of product cards: filters, optional search, sort, keyset. */
  listCards(query: CardListQuery): Promise<CardRow[]>;
  /** The ids of the category with this slug and of every category below it; empty when no such slug. */
  categorySubtreeIds(slug: string): Promise<string[]>;
  /** True when `candidateId` is `rootId` or sits anywhere below it. */
  isInSubtree(rootId: string, candidateId: string): Promise<boolean>;
  findProduct(by: { slug: string } | { id: string }): Promise<ProductRow | null>;
  /** A product's variants by position, then creation. */
  variantsOf(productId: string): Promise<VariantRow[]>;
  variantById(id: string): Promise<(VariantRow & { productId: string }) | null>;
  /** Every category, by name. */
  categories(): Promise<CategoryRow[]>;
  /** How many active products sit directly in each category that has any. */
  activeProductCounts(): Promise<{ categoryId: string; count: number }[]>;
  /** Counts of categories and products (is the catalogue empty?). */
  catalogSize(): Promise<{ categories: number; products: number }>;

  categoryIdBySlug(slug: string): Promise<string | null>;
  categoryExists(id: string): Promise<boolean>;
  /** Products (any status) and child categories of a category. */
  categoryContents(id: string): Promise<{ products: number; children: number }>;
  insertCategory(row: CategoryInsert): Promise<boolean>;
  updateCategory(id: string, fields: CategoryChanges, now: number): Promise<boolean>;
  deleteCategory(id: string): Promise<void>;

  productIdBySlug(slug: string): Promise<string | null>;
  productStatus(id: string): Promise<ProductStatus | null>;
  insertProduct(row: ProductInsert): Promise<boolean>;
  updateProduct(id: string, fields: ProductChanges, now: number): Promise<boolean>;

  variantIdBySku(sku: string): Promise<string | null>;
  variantCount(productId: string): Promise<number>;
  /** Inserts a variant with stock 0 (stock arrives through changeStock and its ledger row). */
  insertVariant(row: VariantInsert): Promise<boolean>;
  updateVariant(id: string, fields: VariantChanges, now: number): Promise<void>;
  /**
   * A conditional change of stock that never goes below zero, with its ledger row. Returns the new
   * stock, or null when the variant does not exist or has too little (nothing changed then).
   */
  changeStock(change: StockChange): Promise<number | null>;
  /** Variants of products not archived with stock at or under the threshold, lowest first, then SKU. */
  lowStock(input: { threshold: number; limit: number }): Promise<LowStockRow[]>;
  /** A variant's ledger, newest first, ids below `beforeId` when given. */
  ledger(input: { variantId: string; beforeId?: number | undefined; limit: number }): Promise<MovementRow[]>;

  /** A product's reviews, newest first (created_at, then id), after the keyset when given. */
  reviews(input: {
    productId: string;
    before?: { createdAt: number; id: string } | undefined;
    limit: number;
  }): Promise<ReviewRow[]>;
  hasReviewed(productId: string, userId: string): Promise<boolean>;
  insertReview(row: ReviewRow): Promise<boolean>;
  /** Recomputes a product's rating average and count from its reviews. */
  refreshRating(productId: string): Promise<void>;

  /**
   * Bulk load for the catalogue generator: categories, then products with their variants and
   * initial-stock ledger rows, in as few statements as the engine allows.
   */
  insertGenerated(batch: GeneratedBatch): Promise<void>;
}

export type ProductStatus = 'active' | 'draft' | 'archived';
export type MovementReason = 'initial' | 'adjustment' | 'order' | 'cancellation' | 'expiry';

/** Sanitised search words (see server/services/catalog/search-words.ts): never query syntax. */
export interface SearchWords {
  /** Words that must match whole. */
  whole: string[];
  /** The last word, matched as a prefix; null when it already is one of `whole`. */
  prefix: string | null;
}

export interface CardListQuery {
  status?: ProductStatus | undefined;
  categoryIds?: string[] | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
  search: SearchWords | null;
  /** The most search matches examined, newest first (SEARCH_CANDIDATES). */
  candidates: number;
  sort: ProductSort;
  /** The sort keys of the last row served (decoded cursor), in CARD_SORTS order. */
  after?: (number | string)[] | undefined;
  /** Rows wanted: the page size plus one. */
  rows: number;
}

/** A row of the card query: what a ProductCard needs plus the keys of every sort. */
export interface CardRow {
  seq: number;
  id: string;
  slug: string;
  name: string;
  status: ProductStatus;
  min_price: number;
  image_url: string | null;
  stock_total: number;
  rating_avg: number;
  rating_count: number;
  created_at: number;
  category_slug: string | null;
  category_name: string | null;
  /** Relevance (lower is better) when sorted by relevance, else null. */
  score: number | null;
}

export interface ProductRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: ProductStatus;
  images: string;
  ratingAvg: number;
  ratingCount: number;
  createdAt: number;
  category: { id: string; slug: string; name: string } | null;
}

/** A variant as the API reference's `Variant` (stock shown as `available`). */
export interface VariantRow {
  id: string;
  sku: string;
  name: string;
  price: number;
  compareAtPrice: number | null;
  available: number;
  weightGrams: number;
}

export interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
}

export interface CategoryInsert extends CategoryRow {
  createdAt: number;
}

export interface CategoryChanges {
  slug?: string | undefined;
  name?: string | undefined;
  parentId?: string | null | undefined;
}

export interface ProductInsert {
  id: string;
  slug: string;
  name: string;
  description: string;
  categoryId: string | null;
  status: ProductStatus;
  images: string;
  createdAt: number;
}

export interface ProductChanges {
  slug?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  categoryId?: string | null | undefined;
  images?: string | undefined;
  status?: ProductStatus | undefined;
}

export interface VariantInsert {
  id: string;
  productId: string;
  sku: string;
  name: string;
  price: number;
  compareAtPrice: number | null;
  weightGrams: number;
  position: number;
  createdAt: number;
}

export interface VariantChanges {
  name?: string | undefined;
  price?: number | undefined;
  compareAtPrice?: number | null | undefined;
  weightGrams?: number | undefined;
}

export interface StockChange {
  variantId: string;
  delta: number;
  reason: MovementReason;
  note?: string | null | undefined;
  actorId?: string | null | undefined;
  orderId?: string | null | undefined;
  now: number;
}

export interface LowStockRow {
  variantId: string;
  productId: string;
  productSlug: string;
  productName: string;
  sku: string;
  name: string;
  stock: number;
}

export interface MovementRow {
  id: number;
  variantId: string;
  delta: number;
  stockAfter: number;
  reason: MovementReason;
  note: string | null;
  actorId: string | null;
  orderId: string | null;
  createdAt: number;
}

export interface ReviewRow {
  id: string;
  productId: string;
  userId: string;
  rating: number;
  title: string;
  body: string;
  authorName: string;
  createdAt: number;
}

export interface GeneratedBatch {
  categories: CategoryInsert[];
  /** Products with their min price and stock total precomputed (what the variant triggers keep). */
  products: (ProductInsert & { minPrice: number; stockTotal: number })[];
  /** Variants with their stock already set; `initial` ledger rows for those with stock. */
  variants: (VariantInsert & { stock: number })[];
}
