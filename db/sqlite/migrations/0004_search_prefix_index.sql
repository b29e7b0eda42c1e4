-- Hand-written (drizzle-kit emits no FTS5 tables). The search index gains prefix indexes for one-
-- and two-character prefixes: a short last word ("a", "s1") then reads one stored doclist instead of
-- merging the doclists of every term it starts (thousands of SKU and number tokens), so a short
-- prefix costs what a whole word costs. Same columns, tokenizer and rowids; the triggers of
-- 0001_catalog name the table and keep working. Rebuilt from product and variant.
DROP TABLE `product_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `product_search` USING fts5(
	name, description, skus,
	content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
);
--> statement-breakpoint
INSERT INTO product_search (rowid, name, description, skus)
SELECT p.seq, p.name, p.description,
	coalesce((SELECT group_concat(sku, ' ') FROM variant WHERE product_id = p.id), '')
FROM product p;
