-- Where a source's role lives and what kind of instance it reads
-- (the connection test learns it): the instance's status, its type (organization, account,
-- unknown), the organization's management account and the role's placement
-- (management, delegated-administrator, member, unknown). Sources connected
-- before roster kept them read as unknown until their next sync.
ALTER TABLE sources ADD COLUMN instance_status TEXT;
ALTER TABLE sources ADD COLUMN instance_type TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE sources ADD COLUMN management_account TEXT;
ALTER TABLE sources ADD COLUMN placement TEXT NOT NULL DEFAULT 'unknown';
