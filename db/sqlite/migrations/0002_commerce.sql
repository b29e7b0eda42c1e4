CREATE TABLE `cart` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`guest_token_hash` text,
	`discount_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`discount_id`) REFERENCES `discount`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "cart_owner_check" CHECK(("cart"."user_id" is null) <> ("cart"."guest_token_hash" is null))
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `cart_user_id_unique` ON `cart` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cart_guest_token_hash_unique` ON `cart` (`guest_token_hash`);--> statement-breakpoint
CREATE INDEX `cart_updated_at_idx` ON `cart` (`updated_at`);--> statement-breakpoint
CREATE TABLE `cart_item` (
	`cart_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`cart_id`, `variant_id`),
	FOREIGN KEY (`cart_id`) REFERENCES `cart`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`variant_id`) REFERENCES `variant`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cart_item_quantity_check" CHECK("cart_item"."quantity" between 1 and 99)
) STRICT;
--> statement-breakpoint
CREATE TABLE `customer_order` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`user_id` text NOT NULL,
	`email` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`discount_id` text,
	`discount_code` text,
	`discount_amount` integer DEFAULT 0 NOT NULL,
	`shipping_option_id` text NOT NULL,
	`shipping_name` text NOT NULL,
	`shipping_price` integer NOT NULL,
	`tax` integer NOT NULL,
	`total` integer NOT NULL,
	`shipping_address` text NOT NULL,
	`tracking_number` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`discount_id`) REFERENCES `discount`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "customer_order_status_check" CHECK("customer_order"."status" in ('pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled')),
	CONSTRAINT "customer_order_money_check" CHECK("customer_order"."subtotal" >= 0 and "customer_order"."discount_amount" >= 0 and "customer_order"."discount_amount" <= "customer_order"."subtotal" and "customer_order"."shipping_price" >= 0 and "customer_order"."tax" >= 0),
	CONSTRAINT "customer_order_total_check" CHECK("customer_order"."total" = "customer_order"."subtotal" - "customer_order"."discount_amount" + "customer_order"."shipping_price" + "customer_order"."tax")
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_order_number_unique` ON `customer_order` (`number`);--> statement-breakpoint
CREATE INDEX `customer_order_user_idx` ON `customer_order` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customer_order_status_idx` ON `customer_order` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customer_order_created_idx` ON `customer_order` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customer_order_email_idx` ON `customer_order` (`email`);--> statement-breakpoint
CREATE TABLE `discount` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`min_subtotal` integer DEFAULT 0 NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`max_redemptions` integer,
	`once_per_customer` integer DEFAULT false NOT NULL,
	`redemptions` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "discount_kind_check" CHECK("discount"."kind" in ('percent', 'fixed')),
	CONSTRAINT "discount_value_check" CHECK("discount"."value" > 0 and ("discount"."kind" <> 'percent' or "discount"."value" <= 100)),
	CONSTRAINT "discount_code_check" CHECK("discount"."code" = upper("discount"."code")),
	CONSTRAINT "discount_min_subtotal_check" CHECK("discount"."min_subtotal" >= 0),
	CONSTRAINT "discount_redemptions_check" CHECK("discount"."redemptions" >= 0 and ("discount"."max_redemptions" is null or "discount"."redemptions" <= "discount"."max_redemptions"))
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `discount_code_unique` ON `discount` (`code`);--> statement-breakpoint
CREATE TABLE `discount_redemption` (
	`order_id` text PRIMARY KEY NOT NULL,
	`discount_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `customer_order`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`discount_id`) REFERENCES `discount`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
) STRICT;
--> statement-breakpoint
CREATE INDEX `discount_redemption_user_idx` ON `discount_redemption` (`discount_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `idempotency_key` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`order_id` text,
	`response` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`),
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_id`) REFERENCES `customer_order`(`id`) ON UPDATE no action ON DELETE cascade
) STRICT;
--> statement-breakpoint
CREATE INDEX `idempotency_key_created_idx` ON `idempotency_key` (`created_at`);--> statement-breakpoint
CREATE TABLE `order_event` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`actor_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `customer_order`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
) STRICT;
--> statement-breakpoint
CREATE INDEX `order_event_order_idx` ON `order_event` (`order_id`,`id`);--> statement-breakpoint
CREATE TABLE `order_line` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`product_name` text NOT NULL,
	`variant_name` text NOT NULL,
	`sku` text NOT NULL,
	`unit_price` integer NOT NULL,
	`quantity` integer NOT NULL,
	`line_total` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `customer_order`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`variant_id`) REFERENCES `variant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`product_id`) REFERENCES `product`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "order_line_money_check" CHECK("order_line"."unit_price" >= 0 and "order_line"."quantity" > 0 and "order_line"."line_total" = "order_line"."unit_price" * "order_line"."quantity")
) STRICT;
--> statement-breakpoint
CREATE INDEX `order_line_order_idx` ON `order_line` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_line_product_idx` ON `order_line` (`product_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `payment` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`provider` text NOT NULL,
	`status` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`external_id` text,
	`client_secret` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `customer_order`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "payment_status_check" CHECK("payment"."status" in ('pending', 'succeeded', 'failed', 'refunded')),
	CONSTRAINT "payment_provider_check" CHECK("payment"."provider" in ('manual', 'stripe')),
	CONSTRAINT "payment_amount_check" CHECK("payment"."amount" >= 0)
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_order_id_unique` ON `payment` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_external_idx` ON `payment` (`provider`,`external_id`);--> statement-breakpoint
CREATE TABLE `review` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`user_id` text NOT NULL,
	`rating` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`author_name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `product`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "review_rating_check" CHECK("review"."rating" between 1 and 5)
) STRICT;
--> statement-breakpoint
CREATE UNIQUE INDEX `review_product_user_idx` ON `review` (`product_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `review_product_created_idx` ON `review` (`product_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `shipping_option` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`countries` text DEFAULT '[]' NOT NULL,
	`price` integer NOT NULL,
	`free_over_subtotal` integer,
	`min_days` integer NOT NULL,
	`max_days` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "shipping_option_money_check" CHECK("shipping_option"."price" >= 0 and ("shipping_option"."free_over_subtotal" is null or "shipping_option"."free_over_subtotal" >= 0)),
	CONSTRAINT "shipping_option_days_check" CHECK("shipping_option"."min_days" >= 0 and "shipping_option"."max_days" >= "shipping_option"."min_days"),
	CONSTRAINT "shipping_option_countries_check" CHECK(json_valid("shipping_option"."countries") and json_type("shipping_option"."countries") = 'array')
) STRICT;
--> statement-breakpoint
CREATE TABLE `tax_rate` (
	`country` text PRIMARY KEY NOT NULL,
	`rate_bps` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "tax_rate_bps_check" CHECK("tax_rate"."rate_bps" between 0 and 10000)
) STRICT;
