import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../server/domain/cursor.js';
import { escapeLike, toFtsQuery } from '../../server/domain/search-query.js';

describe('toFtsQuery', () => {
  it.each([
    ['blue mug', '"blue" "mug"*'],
    ['  blue   mug  ', '"blue" "mug"*'],
    ['say "hi"', '"say" """hi"""*'],
    ['NEAR(a b)', '"NEAR(a" "b)"*'],
    ['col:x -y', '"col:x" "-y"*'],
    ['a\u0000b', '"a" "b"*'],
    ['ＡＢＣ', '"ABC"*'],
    ['and and AND to and a', '"and" "to" "a"*'],
    ['mug blue MUG', '"mug" "blue"'],
    ['mug mug', '"mug"'],
    ['* - ^', null],
    ['', null],
  ])('%j → %j', (input, expected) => {
    expect(toFtsQuery(input)).toBe(expected);
  });
});

describe('escapeLike', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});

describe('keyset cursors', () => {
  it('round-trips keys for their own sort only', () => {
    const cursor = encodeCursor('price_asc', [1999, 42]);
    expect(decodeCursor(cursor, 'price_asc', ['number', 'number'])).toEqual([1999, 42]);
    expect(decodeCursor(cursor, 'newest', ['number', 'number'])).toBeNull();
    expect(decodeCursor(cursor, 'price_asc', ['number', 'number', 'number'])).toBeNull();
    expect(
      decodeCursor(encodeCursor('price_asc', ['1999', 42]), 'price_asc', ['number', 'number']),
    ).toBeNull();
    expect(decodeCursor('not base64 json', 'price_asc', ['number'])).toBeNull();
  });
});
