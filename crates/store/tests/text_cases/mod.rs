//! Contract cases of text from outside: a directory value with a NUL byte
//! (which `PostgreSQL`'s `TEXT` cannot hold) never fails a sync; the exact value
//! survives in the object's document, listing columns show U+FFFD.

use roster_core::TenantId;
use roster_core::directory::Attribute;
use roster_store::{Snapshot, Store, UserFilter};

use super::support::{directory, group};
use super::{new_source, sync_once};

pub async fn nul_in_directory_text_is_kept_and_never_fails_a_sync(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let source = store.create_source(&t, &new_source("nul")).await.unwrap();
    let mut batch = directory();
    let ada = &mut batch.users[0];
    ada.user_name = Some("ada\0x".into());
    ada.display_name = Some("Ada\0".into());
    ada.nick_name = Some("\0".into());
    ada.emails.push(Attribute {
        value: Some("ada\0@example.com".into()),
        r#type: Some("work".into()),
        primary: true,
    });
    let mut g = group(7);
    g.display_name = Some("ops\0team".into());
    batch.groups.push(g);
    let sync = sync_once(store, &t, &source.id, &batch).await;
    let snap = Snapshot {
        source_id: source.id.clone(),
        sync_id: sync,
    };
    let exact = store.get_user(&t, &snap, "user-00000").await.unwrap();
    assert_eq!(exact.user_name.as_deref(), Some("ada\0x"));
    assert_eq!(exact.display_name.as_deref(), Some("Ada\0"));
    assert_eq!(exact.nick_name.as_deref(), Some("\0"));
    assert_eq!(exact.primary_email(), Some("ada\0@example.com"));
    let listed = store
        .search_users(&t, &snap, &UserFilter::default(), None, 1)
        .await
        .unwrap();
    assert_eq!(listed[0].user_name.as_deref(), Some("ada\u{FFFD}x"));
    assert_eq!(listed[0].email.as_deref(), Some("ada\u{FFFD}@example.com"));
    let groups = store
        .search_groups(&t, &snap, Some("ops"), None, 10)
        .await
        .unwrap();
    assert_eq!(groups[0].display_name.as_deref(), Some("ops\u{FFFD}team"));
    let doc = store.get_group(&t, &snap, "group-00007").await.unwrap();
    assert_eq!(doc.display_name.as_deref(), Some("ops\0team"));
}
