import type { Db } from './types';

/**
 * Runs `fn` once the transaction open now is over: at once when none is open, else on the next microtask. A
 * better-sqlite3 transaction is synchronous, so by then it has committed or rolled back; `fn` checks which by
 * reading what it is about to announce (a job enqueued inside a caller's transaction that then rolled back is gone).
 */
export function afterTransaction(db: Db, fn: () => void): void {
  if (!db.inTransaction) fn();
  else queueMicrotask(fn);
}
