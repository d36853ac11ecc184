//! The `Reviews` contract on `SQLite` and `PostgreSQL`: the population equals
//! the snapshot's, decisions are append-only (even to raw SQL), nobody is
//! assigned or decides their own access, tenants never see each other's
//! campaigns, closing records undecided items, revocations are verified
//! against later snapshots. The cases live by topic in `reviews_cases/`;
//! this root runs each on both backends.
#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod support;

mod reviews_cases;

use reviews_cases::*;

macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let db = super::Db::sqlite().await;
                super::$case(&db).await;
                db.drop().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let db = super::Db::postgres().await;
                super::$case(&db).await;
                db.drop().await;
            })*
        }
    };
}

both_backends!(
    the_population_equals_the_snapshot_and_filters_select_groups,
    decisions_are_appended_never_changed,
    nobody_reviews_their_own_access,
    a_secondary_email_is_their_own_access,
    a_previous_page_is_the_last_items_before_in_id_order,
    tenants_never_see_each_others_campaigns,
    closing_records_undecided_items_and_ends_decisions,
    revocations_are_verified_against_later_snapshots,
    hostile_input_is_refused,
    concurrent_deciders_get_distinct_records,
    an_access_campaign_freezes_effective_access_with_owners_by_account,
);
