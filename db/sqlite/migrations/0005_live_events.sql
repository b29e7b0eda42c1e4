CREATE TABLE `live_event` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`topic` text NOT NULL,
	`kind` text NOT NULL,
	`order_id` text,
	`user_id` text,
	`product_id` text,
	`variant_id` text,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
) STRICT;
--> statement-breakpoint
CREATE INDEX `live_event_created_idx` ON `live_event` (`created_at`);