// Opens the SQLite database under the data directory and brings its schema up to date from the numbered migrations.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  /** The number in the file name: `0001-initial.sql` is 1. Applied in order; PRAGMA user_version is the last applied. */
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped in src/store/migrations, in order. Numbers must be 1, 2, 3 … without gaps. */
export function migrations(dir = migrationsDir): Migration[] {
  const list = readdirSync(dir)
    .filter((f) => /^\d{4}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Expected migration number ${i + 1} but found ${m.name} in ${dir}`);
  });
  return list;
}

/**
 * Open (creating if needed) a database file in WAL mode, shared safely by the API and worker processes on one
 * machine, and apply any migration it has not seen. Concurrent openers serialise on an immediate transaction.
 */
export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const all = migrations();
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() > all.length) {
    db.close();
    throw new Error(`The database ${file} has schema version ${current()}, newer than this photocheck (${all.length}): upgrade photocheck`);
  }
  if (current() < all.length) {
    db.transaction(() => {
      for (const m of all.slice(current())) {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
    }).immediate();
  }
  return db;
}
