-- roster schema v1 (SQLite). Every row carries tenant_id.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO tenants (id, name, created_at) VALUES ('default', 'Default', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE sources (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants(id),
    name               TEXT NOT NULL,
    role_arn           TEXT,
    external_id        TEXT NOT NULL UNIQUE,
    region             TEXT,
    identity_store_id  TEXT,
    instance_arn       TEXT,
    account_id         TEXT,
    status             TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX sources_tenant ON sources (tenant_id, id);

CREATE TABLE sync_runs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id          TEXT NOT NULL REFERENCES tenants(id),
    source_id          TEXT NOT NULL REFERENCES sources(id),
    status             TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    users_count        INTEGER NOT NULL DEFAULT 0,
    groups_count       INTEGER NOT NULL DEFAULT 0,
    memberships_count  INTEGER NOT NULL DEFAULT 0,
    stats              TEXT NOT NULL DEFAULT '{}',
    identity_store_id  TEXT,
    region             TEXT,
    error_code         TEXT,
    error_cause        TEXT,
    error_fix          TEXT
);
CREATE INDEX sync_runs_source ON sync_runs (tenant_id, source_id, id);

-- Directory entities are versions: valid from the sync that introduced them
-- until the sync that ended them (NULL: still current). Unchanged objects
-- cost nothing per sync.
CREATE TABLE dir_users (
    tenant_id     TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    valid_from    INTEGER NOT NULL,
    valid_to      INTEGER,
    user_name     TEXT,
    display_name  TEXT,
    email         TEXT,
    status        TEXT,
    idp_sourced   INTEGER NOT NULL,
    doc           TEXT NOT NULL
);
CREATE UNIQUE INDEX dir_users_current ON dir_users (tenant_id, source_id, user_id) WHERE valid_to IS NULL;
CREATE INDEX dir_users_versions ON dir_users (tenant_id, source_id, user_id, valid_from);

CREATE TABLE dir_groups (
    tenant_id     TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    valid_from    INTEGER NOT NULL,
    valid_to      INTEGER,
    display_name  TEXT,
    doc           TEXT NOT NULL
);
CREATE UNIQUE INDEX dir_groups_current ON dir_groups (tenant_id, source_id, group_id) WHERE valid_to IS NULL;
CREATE INDEX dir_groups_versions ON dir_groups (tenant_id, source_id, group_id, valid_from);

CREATE TABLE dir_memberships (
    tenant_id      TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    membership_id  TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    valid_from     INTEGER NOT NULL,
    valid_to       INTEGER
);
CREATE UNIQUE INDEX dir_memberships_current ON dir_memberships (tenant_id, source_id, membership_id) WHERE valid_to IS NULL;
CREATE INDEX dir_memberships_versions ON dir_memberships (tenant_id, source_id, membership_id, valid_from);
CREATE INDEX dir_memberships_group ON dir_memberships (tenant_id, source_id, group_id);
CREATE INDEX dir_memberships_user ON dir_memberships (tenant_id, source_id, user_id);

-- Rows of a sync in progress. Invisible to readers; published in one
-- transaction, discarded when the sync fails or is abandoned.
CREATE TABLE stage_users (
    sync_id       INTEGER NOT NULL,
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    user_name     TEXT,
    display_name  TEXT,
    email         TEXT,
    status        TEXT,
    idp_sourced   INTEGER NOT NULL,
    doc           TEXT NOT NULL,
    PRIMARY KEY (sync_id, user_id)
);
CREATE TABLE stage_groups (
    sync_id       INTEGER NOT NULL,
    tenant_id     TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    display_name  TEXT,
    doc           TEXT NOT NULL,
    PRIMARY KEY (sync_id, group_id)
);
CREATE TABLE stage_memberships (
    sync_id        INTEGER NOT NULL,
    tenant_id      TEXT NOT NULL,
    membership_id  TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    PRIMARY KEY (sync_id, membership_id)
);
