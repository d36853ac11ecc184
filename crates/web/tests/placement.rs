//! Where the role lives, on the source settings page and in
//! the API's source JSON.

#![allow(clippy::unwrap_used)]

mod support;

use roster_core::{AccountId, IdentityStoreId, Region, RoleArn, TenantId};
use roster_store::{DirectoryLocation, InstanceType, Placement};
use support::{Who, admin_page, app, send, text};

#[tokio::test]
async fn the_settings_page_and_the_api_say_where_the_role_lives() {
    let a = app().await;
    let tenant = TenantId::default_tenant();
    let location = DirectoryLocation {
        identity_store_id: IdentityStoreId::parse("d-1234567890").unwrap(),
        region: Region::parse("eu-west-1").unwrap(),
        instance_arn: Some("arn:aws:sso:::instance/ssoins-1".into()),
        account_id: Some(AccountId::parse("111111111111").unwrap()),
        instance_status: Some("ACTIVE".into()),
        instance_type: InstanceType::Organization,
        management_account: Some(AccountId::parse("111111111111").unwrap()),
        placement: Placement::DelegatedAdministrator,
    };
    a.store
        .set_source_location(&tenant, &a.source, &location)
        .await
        .unwrap();
    let role = RoleArn::parse("arn:aws:iam::222222222222:role/roster").unwrap();
    a.store
        .set_source_role(&tenant, &a.source, &role)
        .await
        .unwrap();

    let page = admin_page(&a, &format!("/sources/{}", a.source)).await;
    assert!(
        page.contains("delegated administrator account 222222222222 — the organization instance is owned by management account 111111111111"),
        "{page}"
    );

    let body = text(
        send(
            &a,
            "GET",
            &format!("/api/v1/sources/{}", a.source),
            Who::Bearer(&a.token),
            None,
            None,
        )
        .await,
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let l = &json["location"];
    assert_eq!(l["placement"], "delegated-administrator", "{body}");
    assert_eq!(l["management_account"], "111111111111");
    assert_eq!(l["instance_type"], "organization");
    assert_eq!(l["instance_status"], "ACTIVE");
    assert_eq!(l["identity_store_id"], "d-1234567890");
}
