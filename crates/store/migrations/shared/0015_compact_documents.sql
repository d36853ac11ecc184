-- Directory documents (`doc` of dir_* and stage_*) are written compact from
-- here on (store::sql::compact: AWS's field names as short codes, the row's
-- own ID as `~`). Documents written before are JSON and read as they are;
-- the store rewrites them compact once, on its first start after this
-- migration (compact_rewrite.rs), then sets `done`: every snapshot keeps
-- its rows (each reads back as the same record), an unchanged object stays
-- one version, and an upgraded database shrinks too. Not tenant data: one
-- row for the whole database, like roster_migrations.
CREATE TABLE directory_doc_rewrite (done INTEGER NOT NULL);
INSERT INTO directory_doc_rewrite (done) VALUES (0);
