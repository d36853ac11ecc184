-- Sync jobs and schedules (SQLite).
ALTER TABLE sources ADD COLUMN sync_interval_s INTEGER NOT NULL DEFAULT 86400;
ALTER TABLE sources ADD COLUMN next_sync_at TEXT;

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    source_id         TEXT NOT NULL REFERENCES sources(id),
    status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    reason            TEXT NOT NULL,
    run_after         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  TEXT,
    started_at        TEXT,
    finished_at       TEXT,
    sync_id           INTEGER,
    error_code        TEXT
);
-- One source never has two live jobs, so it never syncs twice at once.
CREATE UNIQUE INDEX jobs_one_live_per_source ON jobs (source_id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_ready ON jobs (status, run_after, id);
CREATE INDEX jobs_tenant ON jobs (tenant_id, id);
