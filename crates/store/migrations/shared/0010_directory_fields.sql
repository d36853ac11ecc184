-- Every field AWS returns for a membership (`MembershipArn`, `CreatedAt`,
-- `UpdatedAt`, `CreatedBy`, `UpdatedBy`), as a JSON document like users' and
-- groups' `doc`. NULL in rows written before roster kept them.
ALTER TABLE dir_memberships ADD COLUMN doc TEXT;
ALTER TABLE stage_memberships ADD COLUMN doc TEXT;
-- Which directory fields a sync read: 1 = before the enterprise extension and
-- membership fields were kept (every existing row), 2 = with them. Bundles
-- and diffs of a snapshot follow its format, so old snapshots re-export
-- byte-identically and a format-1 snapshot is never diffed on fields it lacks.
ALTER TABLE sync_runs ADD COLUMN directory_format INTEGER NOT NULL DEFAULT 1;
