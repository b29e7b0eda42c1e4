-- The two GIN indexes (product search documents, SKU trigrams) kept new entries in a pending list
-- (fastupdate, the default) until a vacuum merged them. Every search reads that whole list: on a
-- catalogue loaded at once (db:seed, db:copy) it held all 10,000 products' documents, and a
-- two-word search cost 73 ms of PostgreSQL CPU instead of a few. Catalogue writes are rare and
-- searches are hot, so entries now go straight into the index, and what is pending is merged now.
-- (Altered in place rather than rebuilt, which drizzle-kit would generate.)
ALTER INDEX "variant_sku_trgm_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "product_search_document_idx" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('variant_sku_trgm_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('product_search_document_idx'::regclass);
