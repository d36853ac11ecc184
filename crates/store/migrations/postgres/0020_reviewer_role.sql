-- The reviewer console role (PostgreSQL): a console user who sees and
-- decides only the access-review items assigned to them. The role column's
-- CHECK (named by PostgreSQL's default, from 0004) is widened.
ALTER TABLE console_users DROP CONSTRAINT IF EXISTS console_users_role_check;
ALTER TABLE console_users ADD CONSTRAINT console_users_role_check
    CHECK (role IN ('admin', 'auditor', 'reviewer'));
