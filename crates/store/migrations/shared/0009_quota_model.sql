-- How AWS counts a source's Identity Store quota ('collective': one bucket
-- for ListUsers, ListGroups and ListGroupMemberships; 'per-api': one each)
-- and the fraction of it roster uses, in (0, 1]. Existing sources take the
-- defaults: collective, half the quota.
ALTER TABLE sources ADD COLUMN quota_model TEXT NOT NULL DEFAULT 'collective';
ALTER TABLE sources ADD COLUMN quota_budget DOUBLE PRECISION NOT NULL DEFAULT 0.5;
