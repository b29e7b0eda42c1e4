import { bigint, customType, index, pgTable } from 'drizzle-orm/pg-core';
import { product } from './catalog.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * The counterpart of SQLite's FTS5 table `product_search` (rowid = product.seq): one weighted
 * tsvector (config `simple`, accents folded by unaccent) per product, name A > SKUs B >
 * description C, kept by the triggers of migration 0002. Search queries join it on seq.
 */
export const productSearch = pgTable(
  'product_search',
  {
    seq: bigint('seq', { mode: 'number' })
      .primaryKey()
      .references(() => product.seq, { onDelete: 'cascade' }),
    document: tsvector('document').notNull(),
  },
  (t) => [index('product_search_document_idx').using('gin', t.document).with({ fastupdate: false })],
);
