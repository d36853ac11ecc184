//! Paging review items: a previous page is the last items before a cursor
//! in id order.

use roster_store::ItemFilter;
use roster_store::prelude::*;

use super::setup::*;

pub async fn a_previous_page_is_the_last_items_before_in_id_order(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let ids = |before: i64, limit: u32, reviewer: Option<&str>| {
        let filter = ItemFilter {
            before: Some(before),
            reviewer: reviewer.map(Into::into),
            ..ItemFilter::default()
        };
        let id = c.id.clone();
        async move {
            db.store
                .review_items(&t(), &id, &filter, Some(1), limit)
                .await
                .unwrap()
                .iter()
                .map(|i| i.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(5, 2, None).await, [3, 4]);
    assert_eq!(ids(5, 10, None).await, [1, 2, 3, 4]);
    assert_eq!(ids(1, 10, None).await, Vec::<i64>::new());
    assert_eq!(
        ids(5, 10, Some("nobody@example.com")).await,
        Vec::<i64>::new()
    );
}
