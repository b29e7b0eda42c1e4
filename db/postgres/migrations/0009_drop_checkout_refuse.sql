-- placeOrder's statement now decides before it writes (db/postgres/checkout.ts), so a refusal no
-- longer raises, and no longer puts the whole statement in the server's log once per refused buyer:
-- checkout_refuse (0007) is unused.
DROP FUNCTION checkout_refuse(text, text);
