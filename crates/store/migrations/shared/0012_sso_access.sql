-- The SSO source's data (product.md §12), versioned like the directory:
-- a version is visible in snapshot S when valid_from <= S < valid_to
-- (valid_to NULL: still current). Every table is keyed by one text column
-- `k` (the object's identity, parts joined by U+001F; see sql/access/tables.rs)
-- and compares its other columns to decide "changed".
--
-- A run's scope says what it read: 'directory' (dir_* tables) or 'access'
-- (sso_* tables); publishing a run ends only the rows of its scope.
ALTER TABLE sources ADD COLUMN collects_access INTEGER NOT NULL DEFAULT 0;
-- JSON of roster_core::sso::AccessCheckSettings; NULL: the defaults.
ALTER TABLE sources ADD COLUMN access_settings TEXT;
ALTER TABLE sync_runs ADD COLUMN scope TEXT NOT NULL DEFAULT 'directory';

-- organizations:ListAccounts. k: account ID.
CREATE TABLE sso_accounts (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    name        TEXT,
    doc         TEXT NOT NULL
);
-- Permission sets with their policies and provisioned accounts (doc) and
-- whether the run's settings counted them privileged. k: ARN.
CREATE TABLE sso_permission_sets (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    name        TEXT,
    privileged  BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
-- Account assignments as AWS returns them.
-- k: account, permission set ARN, principal type, principal ID.
CREATE TABLE sso_account_assignments (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    doc         TEXT NOT NULL
);
-- Applications. k: application ARN.
CREATE TABLE sso_applications (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    doc         TEXT NOT NULL
);
-- Application assignments. k: application ARN, principal type, principal ID.
CREATE TABLE sso_application_assignments (
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT,
    doc         TEXT NOT NULL
);
-- Effective access, one row per path. k: AccessEntry::cursor (user ID or
-- '', account, permission set ARN, via group ID or ''). Texts hold NUL as
-- U+FFFD; `raw` keeps the exact row (JSON) only when one of them had NUL.
CREATE TABLE sso_access (
    tenant_id           TEXT NOT NULL,
    source_id           TEXT NOT NULL,
    k                   TEXT NOT NULL,
    valid_from          BIGINT NOT NULL,
    valid_to            BIGINT,
    user_id             TEXT NOT NULL,
    user_name           TEXT,
    account_id          TEXT NOT NULL,
    permission_set_arn  TEXT NOT NULL,
    via_group_id        TEXT NOT NULL,
    via_name            TEXT,
    orphaned            BIGINT NOT NULL,
    user_disabled       BIGINT NOT NULL,
    raw                 TEXT
);

-- Indexes, each for the queries named (sql/access/*.rs; plans asserted in
-- sql/access/plans.rs). `t, s` is `tenant_id, source_id`.
-- *_key (t, s, k, COALESCE(valid_to, 0)), unique: one index for the key
--   (as 0014 does for the directory): every read of a snapshot in key order
--   (access_page's keyset, accounts,
--   permission sets, assignments, applications) and the name joins by
--   key, through its prefix (t, s, k); publishing's "the current version
--   of this key" (`COALESCE(valid_to, 0) = 0`: sync IDs start at 1); and one
--   current version per object (two would share the value 0).
-- sso_access_from (t, s, valid_from) / sso_access_to (t, s, valid_to):
--   access_diff's gained and lost sides (versions begun / ended in (from, to]).
-- sso_access_user (t, s, user_id, k) / sso_access_group (t, s,
--   via_group_id, k) / sso_access_account (t, s, account_id, k): a user's,
--   a group's or an account's access in key order (user and group pages,
--   the Access page by account, `roster access list --user/--account`, and
--   whether a filter names a user ID).
-- Staging tables have only their primary key (sync_id, k): staging's
--   ON CONFLICT, publish's NOT EXISTS and chunk bounds, clearing a run.
CREATE UNIQUE INDEX sso_accounts_key ON sso_accounts (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE UNIQUE INDEX sso_permission_sets_key ON sso_permission_sets (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE UNIQUE INDEX sso_account_assignments_key ON sso_account_assignments (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE UNIQUE INDEX sso_applications_key ON sso_applications (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE UNIQUE INDEX sso_application_assignments_key ON sso_application_assignments (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE UNIQUE INDEX sso_access_key ON sso_access (tenant_id, source_id, k, (COALESCE(valid_to, 0)));
CREATE INDEX sso_access_from ON sso_access (tenant_id, source_id, valid_from);
CREATE INDEX sso_access_to ON sso_access (tenant_id, source_id, valid_to) WHERE valid_to IS NOT NULL;
CREATE INDEX sso_access_user ON sso_access (tenant_id, source_id, user_id, k);
CREATE INDEX sso_access_group ON sso_access (tenant_id, source_id, via_group_id, k);
CREATE INDEX sso_access_account ON sso_access (tenant_id, source_id, account_id, k);

-- Rows of an access run in progress: invisible to readers, versioned by
-- the publish, removed when the run ends (clean_staging) or is undone.
CREATE TABLE sso_stage_accounts (
    sync_id     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    name        TEXT,
    doc         TEXT NOT NULL,
    PRIMARY KEY (sync_id, k)
);
CREATE TABLE sso_stage_permission_sets (
    sync_id     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    name        TEXT,
    privileged  BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (sync_id, k)
);
CREATE TABLE sso_stage_account_assignments (
    sync_id     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (sync_id, k)
);
CREATE TABLE sso_stage_applications (
    sync_id     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (sync_id, k)
);
CREATE TABLE sso_stage_application_assignments (
    sync_id     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    k           TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (sync_id, k)
);
CREATE TABLE sso_stage_access (
    sync_id             BIGINT NOT NULL,
    tenant_id           TEXT NOT NULL,
    k                   TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    user_name           TEXT,
    account_id          TEXT NOT NULL,
    permission_set_arn  TEXT NOT NULL,
    via_group_id        TEXT NOT NULL,
    via_name            TEXT,
    orphaned            BIGINT NOT NULL,
    user_disabled       BIGINT NOT NULL,
    raw                 TEXT,
    PRIMARY KEY (sync_id, k)
);
