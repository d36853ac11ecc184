//! Reviewer assignment: nobody is assigned or decides their own access,
//! including access found through a secondary email.

use roster_core::directory::Attribute;
use roster_core::review::{OwnerKind, Verdict};
use roster_store::prelude::*;
use roster_store::{Decider, StageBatch, StoreError};

use super::setup::*;

pub async fn nobody_reviews_their_own_access(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    // Alice owns g0, which she is a member of; Bob is the named fallback.
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Group,
            "group-00000",
            Some(" ALICE@example.com "),
        )
        .await
        .unwrap();
    let mut new = campaign(&src, s1);
    new.fallback_reviewer = Some("bob@example.com".into());
    let c = db.store.open_campaign(&t(), &new).await.unwrap();
    let items = all_items(db, &c.id).await;
    let reviewer = |i: usize| items[i - 1].reviewer.clone();
    // Items 1-3 are g0's: Alice's own membership (1) goes to the fallback,
    // the others stay with her; 4-5 (admins, no owner) go to the fallback.
    assert_eq!(reviewer(1).as_deref(), Some("bob@example.com"));
    assert_eq!(reviewer(2).as_deref(), Some("alice@example.com"));
    assert_eq!(reviewer(3).as_deref(), Some("alice@example.com"));
    assert_eq!(reviewer(4).as_deref(), Some("bob@example.com"));
    assert!(
        items
            .iter()
            .all(|i| { i.reviewer.as_deref() != i.user_email.as_deref() || i.reviewer.is_none() })
    );

    // A named reviewer who is in the population does not get their own items;
    // when the fallback is the same person, nobody is assigned.
    let mut named = campaign(&src, s1);
    named.reviewer = Some("alice@example.com".into());
    named.fallback_reviewer = Some("alice@example.com".into());
    let n = db.store.open_campaign(&t(), &named).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[0].reviewer, None);
    assert_eq!(items[3].reviewer, None);
    assert_eq!(items[1].reviewer.as_deref(), Some("alice@example.com"));
    let progress = db.store.reviewer_progress(&t(), &n.id).await.unwrap();
    assert!(
        progress
            .iter()
            .any(|p| p.reviewer.is_none() && p.items == 2)
    );

    // Deciding one's own item is refused in the store, whoever calls it.
    let alice = Decider {
        actor: "alice@example.com".into(),
        email: Some("Alice@Example.com".into()),
    };
    let err = db
        .store
        .decide(&t(), &c.id, &alice, &decide(&[2, 1], Verdict::Keep, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("own access"), "{err}");
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    db.store
        .decide(&t(), &c.id, &alice, &decide(&[2], Verdict::Keep, None))
        .await
        .unwrap();
    // Nor can an item be reassigned to its own user.
    let mut to_alice = decide(&[1], Verdict::Reassign, None);
    to_alice.reassign_to = Some("alice@example.com".into());
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &to_alice).await,
        Err(StoreError::Conflict(_))
    ));
    let mut to_carol = decide(&[1], Verdict::Reassign, None);
    to_carol.reassign_to = Some("carol@example.com".into());
    db.store
        .decide(&t(), &c.id, &admin(), &to_carol)
        .await
        .unwrap();
    let one = db.store.review_item(&t(), &c.id, 1).await.unwrap();
    assert_eq!(one.reviewer.as_deref(), Some("carol@example.com"));
    assert_eq!(one.decision, None);
}

/// The directory with user 2 (member of g0) known as carol@example.com
/// (primary) and ` Carol.Alt@Example.COM ` (secondary, only in the document).
fn directory_with_secondary_email() -> StageBatch {
    let mut batch = directory();
    let mut carol = with_email(2, "carol@example.com");
    carol.emails.push(Attribute {
        value: Some(" Carol.Alt@Example.COM ".into()),
        r#type: Some("home".into()),
        primary: false,
    });
    batch.users[2] = carol;
    batch
}

pub async fn a_secondary_email_is_their_own_access(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory_with_secondary_email()).await;
    // Carol owns g0 under her secondary email; she is a member of g0 (item 3).
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Group,
            "group-00000",
            Some("carol.alt@example.com"),
        )
        .await
        .unwrap();
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let items = all_items(db, &c.id).await;
    let reviewer = |i: usize| items[i - 1].reviewer.clone();
    assert_eq!(items[2].user_email.as_deref(), Some("carol@example.com"));
    assert_eq!(reviewer(1).as_deref(), Some("carol.alt@example.com"));
    assert_eq!(reviewer(2).as_deref(), Some("carol.alt@example.com"));
    assert_eq!(reviewer(3).as_deref(), Some("lead@example.com"));

    // A named reviewer by secondary email, the fallback by primary: nobody.
    let mut named = campaign(&src, s1);
    named.reviewer = Some("CAROL.alt@example.com".into());
    named.fallback_reviewer = Some("Carol@Example.com".into());
    let n = db.store.open_campaign(&t(), &named).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[2].reviewer, None);
    assert_eq!(items[0].reviewer.as_deref(), Some("carol.alt@example.com"));
    // The owner by secondary email, the fallback her user name: nobody.
    let mut by_name = campaign(&src, s1);
    by_name.fallback_reviewer = Some("U2".into());
    let n = db.store.open_campaign(&t(), &by_name).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[2].reviewer, None);
    assert_eq!(items[1].reviewer.as_deref(), Some("carol.alt@example.com"));

    // Deciding her own item under either email (any case, spaces) is refused,
    // the whole batch with it; reassigning it to her secondary email too.
    for email in [" CAROL.ALT@example.com ", "carol@EXAMPLE.com"] {
        let carol = Decider {
            actor: email.trim().into(),
            email: Some(email.into()),
        };
        let err = db
            .store
            .decide(&t(), &c.id, &carol, &decide(&[1, 3], Verdict::Keep, None))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("own access"), "{err}");
    }
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let mut to_carol = decide(&[3], Verdict::Reassign, None);
    to_carol.reassign_to = Some("Carol.Alt@example.com".into());
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &to_carol).await,
        Err(StoreError::Conflict(_))
    ));
    // Others' items she decides; the lead decides hers.
    let carol = Decider {
        actor: "carol.alt@example.com".into(),
        email: Some("carol.alt@example.com".into()),
    };
    db.store
        .decide(&t(), &c.id, &carol, &decide(&[1, 2], Verdict::Keep, None))
        .await
        .unwrap();
    let mine = db
        .store
        .progress_of(&t(), &c.id, " Carol.ALT@example.com")
        .await
        .unwrap();
    assert_eq!((mine.items, mine.decided, mine.kept), (2, 2, 2));
    let none = db
        .store
        .progress_of(&t(), &c.id, "nobody@example.com")
        .await
        .unwrap();
    assert_eq!((none.items, none.decided), (0, 0));
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[3], Verdict::Keep, None))
        .await
        .unwrap();
}
