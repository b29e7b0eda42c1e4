import { describe, expect, it } from 'vitest';
import { cardRowOf } from '../../db/card-rows.js';

const values = [
  7,
  'p1',
  'tee',
  'Tee',
  'active',
  2400,
  'https://img.example/tee.jpg',
  3,
  4.5,
  2,
  1_700_000_000_000,
  null,
  't-shirts',
  'T-Shirts',
];

describe('cardRowOf', () => {
  it('reads the card query values in select order', () => {
    expect(cardRowOf(values)).toEqual({
      seq: 7,
      id: 'p1',
      slug: 'tee',
      name: 'Tee',
      status: 'active',
      min_price: 2400,
      image_url: 'https://img.example/tee.jpg',
      stock_total: 3,
      rating_avg: 4.5,
      rating_count: 2,
      created_at: 1_700_000_000_000,
      score: null,
      category_slug: 't-shirts',
      category_name: 'T-Shirts',
    });
  });

  it('refuses a value of the wrong type, an unknown status and a row of another length', () => {
    const changed = (index: number, value: unknown) => values.map((v, i) => (i === index ? value : v));
    expect(() => cardRowOf(changed(0, '7'))).toThrow('Card row column 0 is not a number');
    expect(() => cardRowOf(changed(1, null))).toThrow('Card row column 1 is not a string');
    expect(() => cardRowOf(changed(4, 'deleted'))).toThrow('Card row column 4 is not a product status');
    expect(() => cardRowOf(changed(6, 3))).toThrow('Card row column 6 is not a string or null');
    expect(() => cardRowOf(changed(11, 'x'))).toThrow('Card row column 11 is not a number or null');
    expect(() => cardRowOf(values.slice(1))).toThrow('Not a card row');
    expect(() => cardRowOf({ seq: 7 })).toThrow('Not a card row');
  });
});
