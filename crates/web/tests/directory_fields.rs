//! The user page and the API show what AWS returned for a user beyond the
//! basics: the enterprise extension (department, manager, …) and the ARN.

#![allow(clippy::unwrap_used)]

mod support;

use roster_core::{ExternalId, IdentityStoreId, SourceId, SyncStats, TenantId, User, UserId};
use roster_store::{NewSource, SourceStatus, StageBatch};
use serde_json::json;
use support::{Who, app, send, text};

#[tokio::test]
async fn the_user_page_and_api_show_the_enterprise_extension() {
    let a = app().await;
    let tenant = TenantId::default_tenant();
    let id = SourceId::generate();
    a.store
        .create_source(
            &tenant,
            &NewSource {
                id: id.clone(),
                name: "HR-fed".into(),
                role_arn: None,
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse("u-ent").unwrap(),
    );
    u.user_name = Some("ent".into());
    u.user_arn = Some("arn:aws:identitystore:::user/u-ent".into());
    u.extensions.insert(
        "aws:identitystore:enterprise".into(),
        json!({"employeeNumber": "E000042", "costCenter": "CC-7", "department": "Treasury",
               "manager": {"value": "u-boss"}}),
    );
    let sync = a.store.begin_sync(&tenant, &id).await.unwrap();
    let batch = StageBatch {
        users: vec![u],
        groups: vec![],
        memberships: vec![],
    };
    a.store.stage(&tenant, sync, &batch).await.unwrap();
    a.store
        .publish_sync(&tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();

    let page = text(
        send(
            &a,
            "GET",
            &format!("/users/u-ent?source={id}"),
            Who::Session(&a.admin),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(page.contains("user-enterprise"), "{page}");
    for shown in [
        "Department",
        "Treasury",
        "Employee number",
        "E000042",
        "Manager",
        "u-boss",
    ] {
        assert!(page.contains(shown), "{shown} missing");
    }

    let api = send(
        &a,
        "GET",
        &format!("/api/v1/sources/{id}/users/u-ent"),
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    let body: serde_json::Value = serde_json::from_str(&text(api).await).unwrap();
    let user = &body["user"];
    assert_eq!(user["UserArn"], "arn:aws:identitystore:::user/u-ent");
    assert_eq!(
        user["Extensions"]["aws:identitystore:enterprise"]["department"],
        "Treasury"
    );
}
