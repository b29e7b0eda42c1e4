CREATE SEQUENCE "public"."order_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
-- A database that already has orders continues after its highest number.
SELECT setval('order_number_seq', max("number")) FROM "customer_order" HAVING max("number") IS NOT NULL;
