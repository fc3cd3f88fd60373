import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Copies a backup catalog's write-ahead log into the database on its own SQLite connection. A
 * checkpoint fsyncs the catalog, and while a backup writes gigabytes to the same disk that can take
 * half a second: here it never blocks the thread that answers the chunk workers and the UI.
 */
const port = parentPort;
if (!port) throw new Error('catalog-checkpoint-worker must run as a worker thread.');
const { dbPath } = workerData as { dbPath: string };
const db = new Database(dbPath);
db.pragma('busy_timeout = 5000');

port.on('message', (message: { type: 'checkpoint'; mode: 'PASSIVE' | 'TRUNCATE' } | { type: 'close' }) => {
  if (message.type === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    db.pragma(`wal_checkpoint(${message.mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE'})`);
    port.postMessage({ type: 'done' });
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message });
  }
});
