-- Extensions the schema needs: pg_trgm (SKU search by trigram) and unaccent (accents folded in
-- search). Both are trusted extensions: a database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
