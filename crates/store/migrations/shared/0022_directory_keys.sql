-- The directory tables rebuilt on the integer keys of 0021_directory_keys.sql
-- (#16), keeping every version of every snapshot: each row reads back as it
-- was, by the same (tenant, source, key, sync).
--
-- `source_key` replaces (tenant_id, source_id) in every row and index;
-- a membership's `group_key` and `user_key` replace its group and user IDs.
-- Users, groups and memberships keep their own ID as text (keyset pages,
-- bundles and diffs are ordered by it). The indexes are those of
-- 0008_indexes_justified.sql and 0014_one_key_index.sql with `t, s`
-- replaced by `source_key`; the queries each serves are listed there, and
-- `sql::plans`'s tests assert them. Two change what they serve:
-- dir_memberships_group (source_key, group_key, user_key): member counts,
--   the user search's group filter, and a group's members, probed per
--   user; it no longer holds them in user ID order (keys are handed out
--   as IDs first appear), so a small group's page sorts its members and a
--   large group's page walks id_keys_id in ID order (browse.rs
--   group_members).
-- id_keys_id (source_key, aws_id), unique (0021): a text ID's key (every
--   filter by a user or group ID, interning while a sync writes) and the
--   large groups' member pages above.
--
-- A source that has no directory rows gets its key on its first sync.
-- Keys are assigned in (tenant, source) and ID order.
INSERT INTO source_keys (tenant_id, source_id)
    SELECT tenant_id, source_id FROM (
        SELECT tenant_id, source_id FROM dir_users
        UNION SELECT tenant_id, source_id FROM dir_groups
        UNION SELECT tenant_id, source_id FROM dir_memberships
    ) s ORDER BY tenant_id, source_id;

INSERT INTO id_keys (source_key, aws_id)
    SELECT k.source_key, i.aws_id FROM (
        SELECT tenant_id, source_id, group_id AS aws_id FROM dir_memberships
        UNION SELECT tenant_id, source_id, user_id FROM dir_memberships
    ) i JOIN source_keys k ON k.tenant_id = i.tenant_id AND k.source_id = i.source_id
    ORDER BY k.source_key, i.aws_id;

CREATE TABLE dir_users_keyed (
    source_key    BIGINT NOT NULL,
    user_id       TEXT NOT NULL,
    valid_from    BIGINT NOT NULL,
    valid_to      BIGINT,
    user_name     TEXT,
    display_name  TEXT,
    email         TEXT,
    status        TEXT,
    idp_sourced   BIGINT NOT NULL,
    doc           TEXT NOT NULL
);
INSERT INTO dir_users_keyed (source_key, user_id, valid_from, valid_to, user_name, display_name, email, status, idp_sourced, doc)
    SELECT k.source_key, u.user_id, u.valid_from, u.valid_to, u.user_name, u.display_name, u.email, u.status, u.idp_sourced, u.doc
    FROM dir_users u JOIN source_keys k ON k.tenant_id = u.tenant_id AND k.source_id = u.source_id
    ORDER BY k.source_key, u.user_id, u.valid_from;
DROP TABLE dir_users;
ALTER TABLE dir_users_keyed RENAME TO dir_users;
CREATE UNIQUE INDEX dir_users_key ON dir_users (source_key, user_id, (COALESCE(valid_to, 0)));
CREATE INDEX dir_users_from ON dir_users (source_key, valid_from);
CREATE INDEX dir_users_to ON dir_users (source_key, valid_to) WHERE valid_to IS NOT NULL;

CREATE TABLE dir_groups_keyed (
    source_key    BIGINT NOT NULL,
    group_id      TEXT NOT NULL,
    valid_from    BIGINT NOT NULL,
    valid_to      BIGINT,
    display_name  TEXT,
    doc           TEXT NOT NULL
);
INSERT INTO dir_groups_keyed (source_key, group_id, valid_from, valid_to, display_name, doc)
    SELECT k.source_key, g.group_id, g.valid_from, g.valid_to, g.display_name, g.doc
    FROM dir_groups g JOIN source_keys k ON k.tenant_id = g.tenant_id AND k.source_id = g.source_id
    ORDER BY k.source_key, g.group_id, g.valid_from;
DROP TABLE dir_groups;
ALTER TABLE dir_groups_keyed RENAME TO dir_groups;
CREATE UNIQUE INDEX dir_groups_key ON dir_groups (source_key, group_id, (COALESCE(valid_to, 0)));
CREATE INDEX dir_groups_from ON dir_groups (source_key, valid_from);
CREATE INDEX dir_groups_to ON dir_groups (source_key, valid_to) WHERE valid_to IS NOT NULL;

CREATE TABLE dir_memberships_keyed (
    source_key     BIGINT NOT NULL,
    membership_id  TEXT NOT NULL,
    group_key      BIGINT NOT NULL,
    user_key       BIGINT NOT NULL,
    valid_from     BIGINT NOT NULL,
    valid_to       BIGINT,
    doc            TEXT
);
INSERT INTO dir_memberships_keyed (source_key, membership_id, group_key, user_key, valid_from, valid_to, doc)
    SELECT k.source_key, m.membership_id, gk.id_key, uk.id_key, m.valid_from, m.valid_to, m.doc
    FROM dir_memberships m
    JOIN source_keys k ON k.tenant_id = m.tenant_id AND k.source_id = m.source_id
    JOIN id_keys gk ON gk.source_key = k.source_key AND gk.aws_id = m.group_id
    JOIN id_keys uk ON uk.source_key = k.source_key AND uk.aws_id = m.user_id
    ORDER BY k.source_key, m.membership_id, m.valid_from;
DROP TABLE dir_memberships;
ALTER TABLE dir_memberships_keyed RENAME TO dir_memberships;
CREATE UNIQUE INDEX dir_memberships_key ON dir_memberships (source_key, membership_id, (COALESCE(valid_to, 0)));
CREATE INDEX dir_memberships_from ON dir_memberships (source_key, valid_from);
CREATE INDEX dir_memberships_to ON dir_memberships (source_key, valid_to) WHERE valid_to IS NOT NULL;
CREATE INDEX dir_memberships_group ON dir_memberships (source_key, group_key, user_key);
CREATE INDEX dir_memberships_user ON dir_memberships (source_key, user_key);
