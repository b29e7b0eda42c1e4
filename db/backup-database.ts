import Database from 'better-sqlite3';

/** Online backup of a live database file into `target`, then an integrity check of the copy. */
export async function backupDatabase(
  source: string,
  target: string,
): Promise<{ pages: number; integrity: string }> {
  const live = new Database(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    // NOTE: copy every remaining page in one step. Stepping (100 pages at a time) restarts whenever
    // another connection writes, so under steady load it might never finish; in WAL mode one step
    // reads a consistent snapshot without blocking writers.
    const { totalPages } = await live.backup(target, { progress: () => 0x7fffffff });
    const copy = new Database(target, { readonly: true });
    try {
      return { pages: totalPages, integrity: String(copy.pragma('integrity_check', { simple: true })) };
    } finally {
      copy.close();
    }
  } finally {
    live.close();
  }
}
