-- What SQLite's triggers do (db/migrations/0001_catalog.sql), in PL/pgSQL: product.min_price and
-- product.stock_total follow the variants, and product_search (the FTS5 table's counterpart) holds one
-- weighted tsvector per product: name A, SKUs B, description C; config `simple`, accents folded.
CREATE FUNCTION backroom_search_text(p_text text)
RETURNS text LANGUAGE sql STABLE SET search_path = public, pg_catalog AS $$
	-- Like FTS5's unicode61 tokenizer (remove_diacritics 2): accents folded, every run of characters
	-- that are not letters or digits separates words ("CB-001" is "cb" and "001").
	SELECT regexp_replace(unaccent('unaccent', coalesce(p_text, '')), '[^[:alnum:]]+', ' ', 'g')
$$;--> statement-breakpoint
CREATE FUNCTION backroom_product_document(p_name text, p_description text, p_skus text)
RETURNS tsvector LANGUAGE sql STABLE SET search_path = public, pg_catalog AS $$
	SELECT setweight(to_tsvector('simple', backroom_search_text(p_name)), 'A')
		|| setweight(to_tsvector('simple', backroom_search_text(p_skus)), 'B')
		|| setweight(to_tsvector('simple', backroom_search_text(p_description)), 'C')
$$;--> statement-breakpoint
CREATE FUNCTION backroom_refresh_product_search(p_product_id text)
RETURNS void LANGUAGE sql SET search_path = public, pg_catalog AS $$
	INSERT INTO product_search (seq, document)
	SELECT p.seq, backroom_product_document(p.name, p.description,
		(SELECT string_agg(v.sku, ' ') FROM variant v WHERE v.product_id = p.id))
	FROM product p WHERE p.id = p_product_id
	ON CONFLICT (seq) DO UPDATE SET document = excluded.document
$$;--> statement-breakpoint
CREATE FUNCTION backroom_product_after_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
	PERFORM backroom_refresh_product_search(NEW.id);
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER product_search_after_insert AFTER INSERT ON product
	FOR EACH ROW EXECUTE FUNCTION backroom_product_after_write();--> statement-breakpoint
CREATE TRIGGER product_search_after_update AFTER UPDATE OF name, description ON product
	FOR EACH ROW EXECUTE FUNCTION backroom_product_after_write();--> statement-breakpoint
CREATE FUNCTION backroom_variant_after_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
	UPDATE product SET
		min_price = (SELECT min(price) FROM variant WHERE product_id = NEW.product_id),
		stock_total = stock_total + NEW.stock
	WHERE id = NEW.product_id;
	PERFORM backroom_refresh_product_search(NEW.product_id);
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER variant_after_insert AFTER INSERT ON variant
	FOR EACH ROW EXECUTE FUNCTION backroom_variant_after_insert();--> statement-breakpoint
CREATE FUNCTION backroom_variant_after_price_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
	UPDATE product SET min_price = (SELECT min(price) FROM variant WHERE product_id = NEW.product_id)
	WHERE id = NEW.product_id;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER variant_after_price_update AFTER UPDATE OF price ON variant
	FOR EACH ROW EXECUTE FUNCTION backroom_variant_after_price_update();--> statement-breakpoint
CREATE FUNCTION backroom_variant_after_stock_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
	UPDATE product SET stock_total = stock_total + NEW.stock - OLD.stock WHERE id = NEW.product_id;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER variant_after_stock_update AFTER UPDATE OF stock ON variant
	FOR EACH ROW EXECUTE FUNCTION backroom_variant_after_stock_update();--> statement-breakpoint
CREATE FUNCTION backroom_variant_after_sku_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
	PERFORM backroom_refresh_product_search(NEW.product_id);
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER variant_after_sku_update AFTER UPDATE OF sku ON variant
	FOR EACH ROW EXECUTE FUNCTION backroom_variant_after_sku_update();
