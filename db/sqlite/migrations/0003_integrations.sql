CREATE TABLE `outbox_message` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`webhook_id` text,
	`event` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhook`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "outbox_kind_check" CHECK("outbox_message"."kind" in ('mail', 'webhook', 'refund')),
	CONSTRAINT "outbox_status_check" CHECK("outbox_message"."status" in ('pending', 'done', 'failed'))
) STRICT;
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox_message` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_webhook_idx` ON `outbox_message` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `payment_event` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` integer NOT NULL
) STRICT;
--> statement-breakpoint
CREATE TABLE `user_token` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "user_token_purpose_check" CHECK("user_token"."purpose" in ('password_reset', 'email_verification'))
) STRICT;
--> statement-breakpoint
CREATE INDEX `user_token_user_idx` ON `user_token` (`user_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `webhook` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL
) STRICT;
