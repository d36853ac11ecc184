-- Evidence (SQLite): the append-only audit log, per-source check settings,
-- uploaded HR rosters, the bundle signing key, and indexes that make diffs
-- read only the versions that changed between two syncs.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE check_settings (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    settings    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, source_id)
);

CREATE TABLE hr_rosters (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    employees    INTEGER NOT NULL,
    emails       TEXT NOT NULL
);
CREATE INDEX hr_rosters_source ON hr_rosters (tenant_id, source_id, id);

CREATE TABLE signing_keys (
    tenant_id   TEXT PRIMARY KEY,
    seed        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX dir_users_from ON dir_users (tenant_id, source_id, valid_from);
CREATE INDEX dir_users_to ON dir_users (tenant_id, source_id, valid_to);
CREATE INDEX dir_groups_from ON dir_groups (tenant_id, source_id, valid_from);
CREATE INDEX dir_groups_to ON dir_groups (tenant_id, source_id, valid_to);
CREATE INDEX dir_memberships_from ON dir_memberships (tenant_id, source_id, valid_from);
CREATE INDEX dir_memberships_to ON dir_memberships (tenant_id, source_id, valid_to);
