CREATE TABLE `category` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`parent_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `category`(`id`) ON UPDATE no action ON DELETE restrict
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `category_slug_unique` ON `category` (`slug`);--> statement-breakpoint
CREATE INDEX `category_parent_id_idx` ON `category` (`parent_id`);--> statement-breakpoint
CREATE TABLE `inventory_movement` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`variant_id` text NOT NULL,
	`delta` integer NOT NULL,
	`stock_after` integer NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`actor_id` text,
	`order_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`variant_id`) REFERENCES `variant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`actor_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "inventory_movement_delta_check" CHECK("inventory_movement"."delta" <> 0 and "inventory_movement"."stock_after" >= 0),
	CONSTRAINT "inventory_movement_reason_check" CHECK("inventory_movement"."reason" in ('initial', 'adjustment', 'order', 'cancellation', 'expiry'))
) STRICT;
--> statement-breakpoint
CREATE INDEX `inventory_movement_variant_idx` ON `inventory_movement` (`variant_id`,`id`);--> statement-breakpoint
CREATE INDEX `inventory_movement_order_idx` ON `inventory_movement` (`order_id`);--> statement-breakpoint
CREATE TABLE `product` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`category_id` text,
	`status` text NOT NULL,
	`images` text DEFAULT '[]' NOT NULL,
	`min_price` integer DEFAULT 0 NOT NULL,
	`stock_total` integer DEFAULT 0 NOT NULL,
	`rating_avg` real DEFAULT 0 NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `category`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "product_status_check" CHECK("product"."status" in ('active', 'draft', 'archived')),
	CONSTRAINT "product_images_check" CHECK(json_valid("product"."images") and json_type("product"."images") = 'array'),
	CONSTRAINT "product_money_check" CHECK("product"."min_price" >= 0 and "product"."stock_total" >= 0),
	CONSTRAINT "product_rating_check" CHECK("product"."rating_count" >= 0 and "product"."rating_avg" between 0 and 5)
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `product_id_unique` ON `product` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `product_slug_unique` ON `product` (`slug`);--> statement-breakpoint
CREATE INDEX `product_created_idx` ON `product` (`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `product_status_created_idx` ON `product` (`status`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `product_status_price_idx` ON `product` (`status`,`min_price`,`seq`);--> statement-breakpoint
CREATE INDEX `product_status_rating_idx` ON `product` (`status`,`rating_avg`,`rating_count`,`seq`);--> statement-breakpoint
CREATE INDEX `product_category_created_idx` ON `product` (`category_id`,`status`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `product_category_price_idx` ON `product` (`category_id`,`status`,`min_price`,`seq`);--> statement-breakpoint
CREATE TABLE `variant` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`price` integer NOT NULL,
	`compare_at_price` integer,
	`stock` integer NOT NULL,
	`weight_grams` integer DEFAULT 0 NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `product`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "variant_price_check" CHECK("variant"."price" >= 0),
	CONSTRAINT "variant_compare_at_price_check" CHECK("variant"."compare_at_price" is null or "variant"."compare_at_price" >= 0),
	CONSTRAINT "variant_stock_check" CHECK("variant"."stock" >= 0),
	CONSTRAINT "variant_weight_check" CHECK("variant"."weight_grams" >= 0)
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `variant_sku_unique` ON `variant` (`sku`);--> statement-breakpoint
CREATE INDEX `variant_product_idx` ON `variant` (`product_id`,`position`);--> statement-breakpoint
CREATE INDEX `variant_stock_idx` ON `variant` (`stock`);--> statement-breakpoint
-- Hand-written below (drizzle-kit emits neither FTS5 tables nor triggers).
-- Full-text index over name, description and SKUs; rowid = product.seq. Contentless: it keeps
-- only the index, the text lives in product and variant.
CREATE VIRTUAL TABLE `product_search` USING fts5(
	name, description, skus,
	content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `product_search_after_insert` AFTER INSERT ON `product` BEGIN
	INSERT INTO product_search (rowid, name, description, skus)
	VALUES (new.seq, new.name, new.description,
		coalesce((SELECT group_concat(sku, ' ') FROM variant WHERE product_id = new.id), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `product_search_after_update` AFTER UPDATE OF name, description ON `product` BEGIN
	DELETE FROM product_search WHERE rowid = old.seq;
	INSERT INTO product_search (rowid, name, description, skus)
	VALUES (new.seq, new.name, new.description,
		coalesce((SELECT group_concat(sku, ' ') FROM variant WHERE product_id = new.id), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `product_search_after_delete` AFTER DELETE ON `product` BEGIN
	DELETE FROM product_search WHERE rowid = old.seq;
END;
--> statement-breakpoint
-- A new variant: the product's lowest price, total stock and SKU text follow.
CREATE TRIGGER `variant_after_insert` AFTER INSERT ON `variant` BEGIN
	UPDATE product SET
		min_price = (SELECT min(price) FROM variant WHERE product_id = new.product_id),
		stock_total = stock_total + new.stock
	WHERE id = new.product_id;
	DELETE FROM product_search WHERE rowid = (SELECT seq FROM product WHERE id = new.product_id);
	INSERT INTO product_search (rowid, name, description, skus)
	SELECT seq, name, description, (SELECT group_concat(sku, ' ') FROM variant WHERE product_id = new.product_id)
	FROM product WHERE id = new.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `variant_after_price_update` AFTER UPDATE OF price ON `variant` BEGIN
	UPDATE product SET min_price = (SELECT min(price) FROM variant WHERE product_id = new.product_id)
	WHERE id = new.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `variant_after_stock_update` AFTER UPDATE OF stock ON `variant` BEGIN
	UPDATE product SET stock_total = stock_total + new.stock - old.stock WHERE id = new.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `variant_after_sku_update` AFTER UPDATE OF sku ON `variant` BEGIN
	DELETE FROM product_search WHERE rowid = (SELECT seq FROM product WHERE id = new.product_id);
	INSERT INTO product_search (rowid, name, description, skus)
	SELECT seq, name, description, (SELECT group_concat(sku, ' ') FROM variant WHERE product_id = new.product_id)
	FROM product WHERE id = new.product_id;
END;
