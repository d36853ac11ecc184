-- Integer keys for what every directory row repeated as text (#16): a
-- source (`tenant_id`, `source_id`: 27 bytes in every row and index entry)
-- and the user and group IDs a membership names (two 36-character AWS IDs,
-- in the table and in both membership indexes). Each text is now stored once,
-- here, and the directory tables (0022_directory_keys.sql) hold its integer.
-- Only the SQL identity columns differ between the backends.
--
-- `source_keys`: one row per source that has directory rows; every
-- directory query finds its source's key here by (tenant_id, source_id),
-- so a tenant still reaches only its own rows.
CREATE TABLE source_keys (
    source_key  INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    source_id   TEXT NOT NULL
);
CREATE UNIQUE INDEX source_keys_source ON source_keys (tenant_id, source_id);

-- `id_keys`: the user and group IDs that memberships name, per source
-- (a membership's `group_key` and `user_key`). Users and groups keep their
-- own ID as text: their pages and bundles are ordered by it.
CREATE TABLE id_keys (
    id_key      INTEGER PRIMARY KEY,
    source_key  BIGINT NOT NULL,
    aws_id      TEXT NOT NULL
);
CREATE UNIQUE INDEX id_keys_id ON id_keys (source_key, aws_id);
