//! The diff of effective access between two snapshots: rows gained and
//! rows lost, keyed by (user, account, permission set, via group), sorted
//! deterministically. Names are not part of the key, so renaming a group or
//! a user is not reported as access lost and gained.

use std::collections::BTreeMap;

use serde::Serialize;

use super::access::{AccessRow, RowKey};

/// Rows gained and lost from one snapshot to the next, each list sorted by
/// user ID (orphaned group rows, which have none, first), account, permission
/// set ARN, then direct before via group, then group ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessDiff {
    pub from_sync: i64,
    pub to_sync: i64,
    pub gained: Vec<AccessRow>,
    pub lost: Vec<AccessRow>,
}

impl AccessDiff {
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }
}

fn keyed<'r>(rows: impl IntoIterator<Item = &'r AccessRow>) -> BTreeMap<RowKey, &'r AccessRow> {
    rows.into_iter().map(|r| (r.key(), r)).collect()
}

/// Gained: keys in `after` but not `before`; lost: the reverse. Duplicate
/// keys within one side count once (the last row wins).
pub fn diff<'r>(
    from_sync: i64,
    to_sync: i64,
    before: impl IntoIterator<Item = &'r AccessRow>,
    after: impl IntoIterator<Item = &'r AccessRow>,
) -> AccessDiff {
    let (b, a) = (keyed(before), keyed(after));
    let only = |x: &BTreeMap<RowKey, &AccessRow>, y: &BTreeMap<RowKey, &AccessRow>| {
        x.iter()
            .filter(|(k, _)| !y.contains_key(*k))
            .map(|(_, r)| (*r).clone())
            .collect()
    };
    AccessDiff {
        from_sync,
        to_sync,
        gained: only(&a, &b),
        lost: only(&b, &a),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::sso::access::Via;
    use crate::sso::access::tests::{acct, arn};

    fn row(user: u8, account: u32, ps: u32, group: Option<u8>) -> AccessRow {
        AccessRow {
            user_id: Some(format!("u{user}")),
            user_name: None,
            account_id: acct(account),
            permission_set_arn: arn(ps),
            via: group.map_or(Via::Direct, |g| Via::Group {
                group_id: format!("g{g}"),
                display_name: Some(format!("G{g}")),
            }),
            orphaned: false,
            user_disabled: false,
        }
    }

    #[test]
    fn gained_and_lost_are_sorted_and_renames_are_not_changes() {
        let before = [
            row(2, 1, 1, None),
            row(1, 1, 1, Some(1)),
            row(1, 2, 1, None),
        ];
        let mut renamed = row(1, 1, 1, Some(1));
        renamed.via = Via::Group {
            group_id: "g1".into(),
            display_name: Some("Renamed".into()),
        };
        let after = [
            row(3, 1, 1, None),
            renamed,
            row(1, 1, 1, None),
            row(0, 1, 1, Some(2)),
        ];
        let d = diff(1, 2, &before, &after);
        let users = |rows: &[AccessRow]| {
            rows.iter()
                .map(|r| r.user_id.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(users(&d.gained), ["u0", "u1", "u3"]);
        assert!(d.gained[1].via.is_direct());
        assert_eq!(users(&d.lost), ["u1", "u2"]);
        assert_eq!(d.lost[0].account_id, acct(2));
        assert!(diff(2, 3, &after, &after).is_empty());
    }

    proptest! {
        #[test]
        fn applying_the_diff_turns_before_into_after(
            before in proptest::collection::vec((0..4u8, 0..3u32, 0..3u32, proptest::option::of(0..3u8)), 0..30),
            after in proptest::collection::vec((0..4u8, 0..3u32, 0..3u32, proptest::option::of(0..3u8)), 0..30),
        ) {
            let mk = |v: &[(u8, u32, u32, Option<u8>)]| v.iter().map(|&(u, a, p, g)| row(u, a, p, g)).collect::<Vec<_>>();
            let (b, a) = (mk(&before), mk(&after));
            let d = diff(1, 2, &b, &a);
            let mut keys: std::collections::BTreeSet<RowKey> = b.iter().map(AccessRow::key).collect();
            for r in &d.lost { prop_assert!(keys.remove(&r.key())); }
            for r in &d.gained { prop_assert!(keys.insert(r.key())); }
            let want: std::collections::BTreeSet<RowKey> = a.iter().map(AccessRow::key).collect();
            prop_assert_eq!(keys, want);
            let sorted = |rows: &[AccessRow]| rows.windows(2).all(|w| w[0].key() < w[1].key());
            prop_assert!(sorted(&d.gained) && sorted(&d.lost));
        }
    }
}
