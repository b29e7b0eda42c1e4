import Database from 'better-sqlite3';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { StorageMovedError } from '../../db/sqlite/storage-guard.js';
import { WriteBatchError } from '../../db/sqlite/write-batch.js';
import { isRetryableStorageError, storageFailureMessage } from '../../server/errors.js';

/**
 * Which storage failures answer 503 TEMPORARILY_UNAVAILABLE (nothing applied, retry) rather than a
 * 500. The codes are the driver's own (better-sqlite3's SqliteError carries SQLite's extended code).
 */
const sqliteError = (code: string) => new Database.SqliteError('driver text', code);

describe('isRetryableStorageError', () => {
  it.each([
    'SQLITE_FULL',
    'SQLITE_IOERR',
    'SQLITE_IOERR_WRITE',
    'SQLITE_IOERR_FSYNC',
    'SQLITE_IOERR_SHORT_READ',
    'SQLITE_READONLY',
    'SQLITE_READONLY_DBMOVED',
    'SQLITE_READONLY_RECOVERY',
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_LOCKED',
    'SQLITE_LOCKED_SHAREDCACHE',
    'SQLITE_CANTOPEN',
    'SQLITE_CANTOPEN_NOTEMPDIR',
  ])('%s is a refusal', (code) => {
    expect(isRetryableStorageError(sqliteError(code))).toBe(true);
  });

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CORRUPT', 'SQLITE_ERROR', 'SQLITE_MISMATCH', 'SQLITE_FULLX'])(
    '%s is not',
    (code) => {
      expect(isRetryableStorageError(sqliteError(code))).toBe(false);
    },
  );

  it('knows the group commit, the storage guard and wrapped causes', () => {
    expect(isRetryableStorageError(new WriteBatchError(sqliteError('SQLITE_FULL')))).toBe(true);
    expect(isRetryableStorageError(new StorageMovedError('deleted'))).toBe(true);
    expect(
      isRetryableStorageError(new DrizzleQueryError('insert', [], sqliteError('SQLITE_IOERR_WRITE'))),
    ).toBe(true);
    expect(isRetryableStorageError(new Error('x', { cause: new TypeError('y') }))).toBe(false);
    expect(isRetryableStorageError(null)).toBe(false);
    expect(isRetryableStorageError('SQLITE_FULL')).toBe(false);
  });
});

/** A driver error as pg raises it: a SQLSTATE, or node's code for a socket failure, on `code`. */
const pgError = (code: string) => Object.assign(new Error('driver text'), { code });

describe('storageFailureMessage', () => {
  it('says nothing was saved when storage refused the work whole', () => {
    for (const error of [
      sqliteError('SQLITE_FULL'),
      pgError('53300'),
      pgError('ECONNREFUSED'),
      pgError('40P01'),
    ]) {
      expect(storageFailureMessage(error)).toMatch(/nothing was saved/);
    }
  });

  it('says the change may be saved when the connection was lost mid-request (a commit may have landed)', () => {
    for (const error of [
      pgError('ECONNRESET'),
      pgError('57P01'),
      new DrizzleQueryError('commit', [], new Error('Connection terminated unexpectedly')),
    ]) {
      expect(storageFailureMessage(error)).toMatch(/may or may not be saved.*same idempotency key/);
    }
  });

  it('is undefined for any other error', () => {
    expect(storageFailureMessage(pgError('23505'))).toBeUndefined();
    expect(storageFailureMessage(new Error('x'))).toBeUndefined();
  });
});
