/** True when SQLite refused a write for a UNIQUE or PRIMARY KEY constraint (on the error or its cause). */
export function isSqliteUniqueViolation(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    if (typeof current !== 'object') return false;
    if ('code' in current) {
      const code = current.code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/** Runs a write; `false` when a unique constraint refused it, `true` when it went in. */
export function unlessDuplicate(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (isSqliteUniqueViolation(error)) return false;
    throw error;
  }
}
