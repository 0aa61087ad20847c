#!/usr/bin/env python3
"""What the SQLite text search index costs an append (docs/benchmarks.md, 2026-12-03).

Copies a ledger (LEDGER, default /tmp/vb/ledger.db, e.g. made with
`AuditPortal.dll seed-demo --events 40000 --AuditPortal:Database:ConnectionString=...`; run
`sqlite3 LEDGER "PRAGMA wal_checkpoint(TRUNCATE)"` first), then re-inserts 20,000 of its
ledger_entries rows, 100 per transaction, WAL + synchronous=FULL, three ways: as the schema is
(FTS5 insert trigger and timeline indexes), without the FTS5 trigger, and without both.
"""
import sqlite3, shutil, time, sys
LEDGER = sys.argv[1] if len(sys.argv) > 1 else '/tmp/vb/ledger.db'
def run(drop_trigger, drop_indexes):
    import os
    for f in ['/tmp/vbx.db-wal','/tmp/vbx.db-shm']:
        if os.path.exists(f): os.remove(f)
    shutil.copy(LEDGER,'/tmp/vbx.db')
    c=sqlite3.connect('/tmp/vbx.db', isolation_level=None)
    c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=FULL')
    if drop_trigger: c.execute('DROP TRIGGER ledger_entries_search_insert')
    if drop_indexes:
        for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='ledger_entries' AND name LIKE 'ix_ledger_entries_%' AND name NOT LIKE '%submitted_by%'").fetchall():
            c.execute(f'DROP INDEX {n}')
    cols=[r[1] for r in c.execute('PRAGMA table_info(ledger_entries)')]
    rows=c.execute(f'SELECT {",".join(cols)} FROM ledger_entries ORDER BY sequence LIMIT 20000').fetchall()
    si=cols.index('sequence'); ei=cols.index('event_id')
    q=f'INSERT INTO ledger_entries ({",".join(cols)}) VALUES ({",".join("?"*len(cols))})'
    t=time.time()
    for i in range(0,len(rows),100):
        c.execute('BEGIN')
        for r in rows[i:i+100]:
            r=list(r); r[si]+=10_000_000; r[ei]=r[ei]+'-x'
            c.execute(q,r)
        c.execute('COMMIT')
    dt=time.time()-t
    c.close()
    print(f'trigger={not drop_trigger} indexes={not drop_indexes}: {len(rows)/dt:,.0f} rows/s')
run(False,False); run(True,False); run(True,True)
