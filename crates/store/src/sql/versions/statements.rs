//! The SQL builders of versioning: multi-row placeholders, and the
//! statements that end current versions and begin new ones from staging.

use std::fmt::Write as _;

use crate::sql::columns::Versioned;

/// "The current version", in the words of the key index `dir_*_key`
/// (`tenant_id, source_id, key, COALESCE(valid_to, 0)`, unique; migration
/// 0014): a key and this find it in the index alone. Sync IDs start at 1.
const CURRENT: &str = "COALESCE(valid_to, 0) = 0";

pub(in crate::sql) fn placeholders(rows: usize, cols: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| format!("${}", first + r * cols + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl<T> Versioned<T> {
    /// Ends the current versions begun before the run (`$1`) among the live
    /// rows `live_filter` selects, whose object the run did not stage or (if
    /// `or_changed`) staged with other content. Binds `$1..$3`: run, tenant,
    /// source key.
    ///
    /// `+valid_from` keeps "begun before the run" out of index choice: with
    /// the run unknown when the statement is prepared, `SQLite` otherwise
    /// range-scans the source's versions by `dir_*_from` (every version
    /// begun before the run) instead of searching the key index for the 50
    /// keys of a batch, and a later sync that versions as it reads took 56 s
    /// instead of 8 for the 20k directory's 122k rows.
    pub(in crate::sql) fn end_sql(&self, live_filter: &str, or_changed: bool) -> String {
        let Self {
            live, stage, key, ..
        } = self;
        let mut changed = String::new();
        if or_changed {
            for c in self.compared {
                let column = self.column(c);
                let _ = write!(
                    changed,
                    " AND {} = {live}.{}",
                    column.staged_value("$3"),
                    column.live_name()
                );
            }
        }
        format!(
            "UPDATE {live} SET valid_to = $1 WHERE source_key = $3 AND {CURRENT} \
             AND +valid_from < $1 AND {live_filter} AND NOT EXISTS (SELECT 1 FROM {stage} s \
             WHERE s.sync_id = $1 AND s.tenant_id = $2 AND s.{key} = {live}.{key}{changed})"
        )
    }

    /// Begins a version, at the run, for each staged row `stage_filter`
    /// selects whose object has no current version (new, or ended above).
    pub(in crate::sql) fn begin_sql(&self, stage_filter: &str) -> String {
        let Self {
            live, stage, key, ..
        } = self;
        format!(
            "INSERT INTO {live} (source_key, valid_from, {}) \
             SELECT $3, $1, {} FROM {stage} s WHERE s.sync_id = $1 AND s.tenant_id = $2 \
             AND {stage_filter} AND NOT EXISTS (SELECT 1 FROM {live} l WHERE \
             l.source_key = $3 AND l.{key} = s.{key} AND {})",
            self.live_column_list(),
            self.staged_values("$3"),
            CURRENT.replace("valid_to", "l.valid_to"),
        )
    }
}
