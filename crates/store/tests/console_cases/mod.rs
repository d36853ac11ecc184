//! Contract cases of the console traits: `Console` (accounts, sessions,
//! tokens, one-time links) and `Browse` (filtered, paginated snapshots).

use roster_core::{TenantId, Timestamp};
use roster_store::{
    ConsoleRole, NewApiToken, NewConsoleUser, OneTimeLink, OneTimePurpose, Snapshot, Store,
    StoreError, UserFilter,
};

use super::support::directory;
use super::{new_source, sync_once};

fn future() -> Timestamp {
    Timestamp::parse("2999-01-01T00:00:00.000Z").unwrap()
}

fn past() -> Timestamp {
    Timestamp::parse("2000-01-01T00:00:00.000Z").unwrap()
}

fn new_user(id: &str, email: &str) -> NewConsoleUser {
    NewConsoleUser {
        id: id.into(),
        email: email.into(),
        password_hash: "$argon2id$stub".into(),
        role: ConsoleRole::Admin,
    }
}

pub async fn console_accounts_sessions_and_tokens_round_trip(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert_eq!(store.console_user_count().await.unwrap(), 0);
    let ada = store
        .create_console_user(&t, &new_user("usr_ada", "Ada@Example.com"))
        .await
        .unwrap();
    assert_eq!(ada.email, "ada@example.com");
    let dup = store
        .create_console_user(&t, &new_user("usr_x", "ADA@example.com"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    store
        .create_console_user(&other, &new_user("usr_bob", "bob@example.com"))
        .await
        .unwrap();
    let listed = store.list_console_users(&t).await.unwrap();
    assert_eq!(
        listed.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["usr_ada"],
        "each tenant lists only its own console users"
    );
    let found = store
        .find_console_users("ADA@EXAMPLE.COM", 3)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].user.id.as_str(), found[0].password_hash.as_str()),
        ("usr_ada", "$argon2id$stub")
    );

    store
        .create_session("live", &ada, "csrf-1", future())
        .await
        .unwrap();
    store
        .create_session("old", &ada, "csrf-2", past())
        .await
        .unwrap();
    let p = store.session_principal("live").await.unwrap().unwrap();
    assert_eq!(
        (p.user.id.as_str(), p.csrf_token.as_str()),
        ("usr_ada", "csrf-1")
    );
    assert!(
        store.session_principal("old").await.unwrap().is_none(),
        "expired"
    );
    store.delete_session("live").await.unwrap();
    assert!(store.session_principal("live").await.unwrap().is_none());

    let new = NewApiToken {
        id: "tok_1".into(),
        user_id: ada.id.clone(),
        name: "ci".into(),
        token_hash: "h1".into(),
        prefix: "rst_abcd".into(),
    };
    store.create_api_token(&t, &new).await.unwrap();
    assert_eq!(
        store.token_principal("h1").await.unwrap().unwrap().id,
        "usr_ada"
    );
    assert_eq!(store.list_api_tokens(&t).await.unwrap().len(), 1);
    assert!(store.list_api_tokens(&other).await.unwrap().is_empty());
    let foreign = store.revoke_api_token(&other, "tok_1").await;
    assert!(
        matches!(foreign, Err(StoreError::NotFound(_))),
        "{foreign:?}"
    );
    store.revoke_api_token(&t, "tok_1").await.unwrap();
    assert!(
        store.token_principal("h1").await.unwrap().is_none(),
        "revoked"
    );
}

/// An email is unique within a tenant only: another tenant may hold the
/// same address (inviting it there reveals nothing), and sign-in sees every
/// tenant's account of it, oldest first, bounded.
pub async fn console_emails_are_unique_per_tenant_only(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let other = TenantId::parse("other").unwrap();
    let third = TenantId::parse("third").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    store.create_tenant(&third, "Third").await.unwrap();
    store
        .create_console_user(&t, &new_user("usr_a1", "ada@example.com"))
        .await
        .unwrap();
    let mut theirs = new_user("usr_a2", "Ada@Example.com");
    theirs.password_hash = "$argon2id$other".into();
    let a2 = store.create_console_user(&other, &theirs).await.unwrap();
    assert_eq!(
        (a2.tenant_id.as_str(), a2.email.as_str()),
        ("other", "ada@example.com")
    );
    let again = store
        .create_console_user(&other, &new_user("usr_a3", "ADA@example.com"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    store
        .create_console_user(&third, &new_user("usr_a4", "ada@example.com"))
        .await
        .unwrap();
    let all = store
        .find_console_users(" ADA@example.com", 10)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.user.id.as_str()).collect::<Vec<_>>(),
        ["usr_a1", "usr_a2", "usr_a4"],
        "oldest first"
    );
    assert_eq!(all[1].password_hash, "$argon2id$other");
    assert_eq!(
        store
            .find_console_users("ada@example.com", 2)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .find_console_users("bob@example.com", 3)
            .await
            .unwrap()
            .is_empty()
    );
    for (tenant, id) in [(&t, "usr_a1"), (&other, "usr_a2")] {
        let listed = store.list_console_users(tenant).await.unwrap();
        assert_eq!(
            listed.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            [id]
        );
    }
    // Sessions and tokens of either account resolve to that account's tenant.
    store
        .create_session("s-a2", &a2, "c", future())
        .await
        .unwrap();
    let p = store.session_principal("s-a2").await.unwrap().unwrap();
    assert_eq!(
        (p.user.id.as_str(), p.user.tenant_id.as_str()),
        ("usr_a2", "other")
    );
}

pub async fn one_time_links_work_once(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let setup = OneTimeLink {
        tenant_id: t.clone(),
        purpose: OneTimePurpose::Setup,
    };
    store
        .create_one_time_link("s1", &setup, future())
        .await
        .unwrap();
    store
        .create_one_time_link("s2", &setup, past())
        .await
        .unwrap();
    let signin = OneTimeLink {
        tenant_id: t,
        purpose: OneTimePurpose::SignIn {
            user_id: "usr_1".into(),
        },
    };
    store
        .create_one_time_link("s3", &signin, future())
        .await
        .unwrap();
    assert_eq!(
        store.peek_one_time_link("s1").await.unwrap(),
        Some(setup.clone())
    );
    assert_eq!(store.take_one_time_link("s1").await.unwrap(), Some(setup));
    assert_eq!(store.take_one_time_link("s1").await.unwrap(), None, "used");
    assert_eq!(
        store.peek_one_time_link("s2").await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.take_one_time_link("s2").await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.take_one_time_link("s3").await.unwrap(), Some(signin));
}

pub async fn browsing_filters_and_pages_a_snapshot(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let source = store
        .create_source(&t, &new_source("browse"))
        .await
        .unwrap();
    let sync = sync_once(store, &t, &source.id, &directory()).await;
    let snap = Snapshot {
        source_id: source.id.clone(),
        sync_id: sync,
    };
    let all = UserFilter::default();
    let page = store.search_users(&t, &snap, &all, None, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(),
        ["user-00000", "user-00001"]
    );
    let next = store
        .search_users(&t, &snap, &all, Some("user-00001"), 10)
        .await
        .unwrap();
    assert_eq!(next.len(), 3);
    let q = UserFilter {
        query: Some("USER 3".into()),
        ..UserFilter::default()
    };
    assert_eq!(
        store.search_users(&t, &snap, &q, None, 10).await.unwrap()[0].user_id,
        "user-00003"
    );
    let pct = UserFilter {
        query: Some("%".into()),
        ..UserFilter::default()
    };
    assert!(
        store
            .search_users(&t, &snap, &pct, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "% is literal"
    );
    let in_group = UserFilter {
        group_id: Some("group-00000".into()),
        ..UserFilter::default()
    };
    assert_eq!(
        store
            .search_users(&t, &snap, &in_group, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    let idp = UserFilter {
        idp_sourced: Some(true),
        ..UserFilter::default()
    };
    assert!(
        store
            .search_users(&t, &snap, &idp, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(
        store
            .search_users(&other, &snap, &all, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn browsing_reads_groups_members_and_documents(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let source = store
        .create_source(&t, &new_source("browse"))
        .await
        .unwrap();
    let sync = sync_once(store, &t, &source.id, &directory()).await;
    let snap = Snapshot {
        source_id: source.id.clone(),
        sync_id: sync,
    };
    let groups = store
        .search_groups(&t, &snap, Some("G1"), None, 10)
        .await
        .unwrap();
    assert_eq!((groups.len(), groups[0].member_count), (1, 1));
    assert_eq!(
        store
            .user_groups(&t, &snap, "user-00002", 10)
            .await
            .unwrap()[0]
            .group_id,
        "group-00001"
    );
    assert_eq!(
        store
            .group_members(&t, &snap, "group-00000", None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .get_user(&t, &snap, "user-00004")
            .await
            .unwrap()
            .user_name
            .as_deref(),
        Some("u4")
    );
    assert_eq!(
        store
            .get_group(&t, &snap, "group-00001")
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("g1")
    );
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(matches!(
        store.get_user(&other, &snap, "user-00004").await,
        Err(StoreError::NotFound(_))
    ));
}

/// Every console role is stored and read back as itself (the reviewer role
/// needed migration 0020 to widen the column's CHECK), and sessions and
/// tokens made before or after keep resolving to their user.
pub async fn every_console_role_round_trips(store: &dyn Store) {
    let t = TenantId::default_tenant();
    for (i, role) in [
        ConsoleRole::Admin,
        ConsoleRole::Auditor,
        ConsoleRole::Reviewer,
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = new_user(&format!("usr_r{i}"), &format!("r{i}@example.com"));
        new.role = role;
        let created = store.create_console_user(&t, &new).await.unwrap();
        assert_eq!(created.role, role);
        assert_eq!(store.get_console_user(&new.id).await.unwrap().role, role);
        store
            .create_session(&format!("s-r{i}"), &created, "c", future())
            .await
            .unwrap();
        let p = store
            .session_principal(&format!("s-r{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.user.role, role, "{}", role.as_str());
    }
    assert_eq!(ConsoleRole::parse("reviewer"), Some(ConsoleRole::Reviewer));
    assert_eq!(ConsoleRole::parse("owner"), None);
}
