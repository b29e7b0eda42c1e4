-- placeOrder writes a whole order in one statement outside any transaction (db/postgres/checkout.ts).
-- When a line turns out short or the discount used up, that statement must undo what it already
-- wrote: it calls this, which raises SQLSTATE BR001 with the refusal as the message (OUT_OF_STOCK,
-- DISCOUNT_EXHAUSTED) and the short variant's id as the detail, and so aborts the statement.
-- VOLATILE, so that the planner never evaluates it ahead of the CASE branch that calls it.
CREATE FUNCTION checkout_refuse(reason text, variant_id text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'BR001', MESSAGE = reason, DETAIL = coalesce(variant_id, '');
END
$$;
