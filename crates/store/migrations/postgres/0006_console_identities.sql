-- Console identities per tenant (PostgreSQL): an email is unique within its
-- tenant, not across tenants, so inviting an address tells one tenant
-- nothing about another. Sign-in looks an email up across tenants.
ALTER TABLE console_users DROP CONSTRAINT IF EXISTS console_users_email_key;
ALTER TABLE console_users ADD CONSTRAINT console_users_tenant_email UNIQUE (tenant_id, email);
CREATE INDEX console_users_email ON console_users (email);
