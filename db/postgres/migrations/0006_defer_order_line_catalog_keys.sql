-- An order's lines reference the variant and the product they were bought from. Checked at once,
-- each reference takes a FOR KEY SHARE lock on that row until COMMIT; the same order then updates
-- the variant's stock (and, by trigger, the product's total), so on a best-seller every order
-- waiting for that row turned its lock into a MultiXact shared with all the others (PostgreSQL's
-- GetMultiXactIdMembers was 11% of its CPU). Checked at COMMIT instead, by then the order holds
-- the row's update lock itself and its own check needs nothing more.
ALTER TABLE "order_line" ALTER CONSTRAINT "order_line_variant_id_variant_id_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "order_line" ALTER CONSTRAINT "order_line_product_id_product_id_fk" DEFERRABLE INITIALLY DEFERRED;
