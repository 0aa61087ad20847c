#!/usr/bin/env python3
"""What the SQLite text search index costs an append (docs/benchmarks.md, 2026-12-03).

Copies a ledger with the morning's schema (LEDGER, default /tmp/vb/ledger.db, e.g. made with
`AuditPortal.dll seed-demo --events 40000 --AuditPortal:Database:ConnectionString=...` on a build
before migration SearchIndexFollowsTheLog; run `sqlite3 LEDGER "PRAGMA wal_checkpoint(TRUNCATE)"`
first), then re-inserts 20,000 of its ledger_entries rows, 100 per transaction, WAL +
synchronous=FULL, four ways, one after the other in one run:
  trigger   - as the schema was: the FTS5 insert trigger and the timeline indexes;
  indexer   - as the schema is now (migration SearchIndexFollowsTheLog): no trigger, and afterwards
              the indexer's work, batches of 2,000 rows into the FTS5 table whose content is the view
              of the entries below the mark (SqliteSearchIndexer), timed apart and together;
  no trigger, no index at all - the timeline indexes only;
  bare      - neither the trigger nor the timeline indexes.
"""
import os, shutil, sqlite3, sys, time

LEDGER = sys.argv[1] if len(sys.argv) > 1 else '/tmp/vb/ledger.db'
COPY = '/tmp/search-index-cost.db'
ROWS, PER_TRANSACTION, INDEX_BATCH = 20_000, 100, 2_000

def fresh():
    for f in [COPY + '-wal', COPY + '-shm']:
        if os.path.exists(f): os.remove(f)
    shutil.copy(LEDGER, COPY)
    c = sqlite3.connect(COPY, isolation_level=None)
    c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=FULL')
    return c

def append(c):
    cols = [r[1] for r in c.execute('PRAGMA table_info(ledger_entries)')]
    rows = c.execute(f'SELECT {",".join(cols)} FROM ledger_entries ORDER BY sequence LIMIT {ROWS}').fetchall()
    top = c.execute('SELECT MAX(sequence) + 1 FROM ledger_entries').fetchone()[0]
    si, ei = cols.index('sequence'), cols.index('event_id')
    q = f'INSERT INTO ledger_entries ({",".join(cols)}) VALUES ({",".join("?" * len(cols))})'
    t = time.time()
    for i in range(0, len(rows), PER_TRANSACTION):
        c.execute('BEGIN')
        for r in rows[i:i + PER_TRANSACTION]:
            r = list(r); r[si] += top; r[ei] = r[ei] + '-x'
            c.execute(q, r)
        c.execute('COMMIT')
    return len(rows), time.time() - t

def drop_timeline_indexes(c):
    for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='ledger_entries' AND name LIKE 'ix_ledger_entries_%' AND name NOT LIKE '%submitted_by%'").fetchall():
        c.execute(f'DROP INDEX {n}')

def follow_the_log(c):
    """The objects of migration SearchIndexFollowsTheLog, with the index up to the existing entries (untimed)."""
    c.execute('DROP TRIGGER ledger_entries_search_insert')
    c.execute('DROP TABLE ledger_search')
    c.execute('CREATE TABLE ledger_search_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_below INTEGER NOT NULL CHECK (indexed_below >= 0))')
    c.execute('INSERT INTO ledger_search_state (id, indexed_below) SELECT 1, COALESCE(MAX(sequence) + 1, 0) FROM ledger_entries')
    c.execute('CREATE VIEW ledger_search_source AS SELECT sequence, search_text FROM ledger_entries WHERE sequence < (SELECT indexed_below FROM ledger_search_state WHERE id = 1)')
    c.execute("CREATE VIRTUAL TABLE ledger_search USING fts5(search_text, content='ledger_search_source', content_rowid='sequence', tokenize='trigram', detail='none', columnsize=0)")
    c.execute("INSERT INTO ledger_search(ledger_search) VALUES ('rebuild')")

def index(c):
    """SqliteSearchIndexer.IndexNextBatchAsync until caught up."""
    t, total = time.time(), 0
    while True:
        c.execute('BEGIN IMMEDIATE')
        mark = c.execute('SELECT indexed_below FROM ledger_search_state WHERE id = 1').fetchone()[0]
        up_to = c.execute('SELECT COALESCE(MAX(sequence) + 1, ?) FROM (SELECT sequence FROM ledger_entries WHERE sequence >= ? ORDER BY sequence LIMIT ?)', (mark, mark, INDEX_BATCH)).fetchone()[0]
        if up_to <= mark:
            c.execute('ROLLBACK'); break
        c.execute('INSERT INTO ledger_search(rowid, search_text) SELECT sequence, search_text FROM ledger_entries WHERE sequence >= ? AND sequence < ? ORDER BY sequence', (mark, up_to))
        c.execute('UPDATE ledger_search_state SET indexed_below = ? WHERE id = 1', (up_to,))
        c.execute('COMMIT')
        total += up_to - mark
    elapsed = time.time() - t
    c.execute("INSERT INTO ledger_search(ledger_search, rank) VALUES ('integrity-check', 1)")  # raises if the index is wrong
    return total, elapsed

def report(name, n, seconds):
    print(f'{name:<58} {n / seconds:>9,.0f} rows/s  ({n:,} rows in {seconds:.2f} s)')

print(f'sqlite {sqlite3.sqlite_version}, {LEDGER}, load {os.getloadavg()[0]:.1f}')
c = fresh(); report('trigger + timeline indexes (the morning\'s append)', *append(c)); c.close()
c = fresh(); follow_the_log(c)
n, a = append(c); report('no trigger + timeline indexes (append now)', n, a)
m, x = index(c); report('  then the indexer, batches of 2,000', m, x)
report('  append + indexer together', n, a + x); c.close()
c = fresh(); c.execute('DROP TRIGGER ledger_entries_search_insert'); drop_timeline_indexes(c); report('bare: no trigger, no timeline indexes', *append(c)); c.close()
os.remove(COPY)
print(f'load {os.getloadavg()[0]:.1f}')
