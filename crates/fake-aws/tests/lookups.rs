//! Identity Store lookups (`GetUserId`, `GetGroupId`) by unique attribute
//! and by external ID, through the official Rust SDK.

mod common;

use aws_sdk_identitystore::Client;
use aws_sdk_identitystore::error::ProvideErrorMetadata;
use aws_sdk_identitystore::types::{AlternateIdentifier, ExternalId, UniqueAttribute};
use aws_smithy_types::Document;
use common::*;
use roster_fake_aws::FakeAwsConfig;

#[tokio::test]
async fn lookups_by_unique_attribute_and_external_id() {
    let h = start(FakeAwsConfig::default().tps(10_000)).await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = Client::new(&admin_config(&h).await);
    let users = ids
        .list_users()
        .identity_store_id(&store)
        .max_results(20)
        .send()
        .await
        .expect("ListUsers");
    let u = users
        .users()
        .iter()
        .find(|u| !u.external_ids().is_empty())
        .expect("an IdP user");
    let by_name = AlternateIdentifier::UniqueAttribute(
        UniqueAttribute::builder()
            .attribute_path("userName")
            .attribute_value(Document::String(u.user_name().expect("name").to_owned()))
            .build()
            .expect("attribute"),
    );
    let out = ids
        .get_user_id()
        .identity_store_id(&store)
        .alternate_identifier(by_name)
        .send()
        .await
        .expect("GetUserId");
    assert_eq!(out.user_id(), u.user_id());
    let x = &u.external_ids()[0];
    let by_external = AlternateIdentifier::ExternalId(
        ExternalId::builder()
            .issuer(x.issuer())
            .id(x.id())
            .build()
            .expect("external id"),
    );
    let out = ids
        .get_user_id()
        .identity_store_id(&store)
        .alternate_identifier(by_external)
        .send()
        .await
        .expect("GetUserId");
    assert_eq!(out.user_id(), u.user_id());
    let groups = ids
        .list_groups()
        .identity_store_id(&store)
        .send()
        .await
        .expect("ListGroups");
    let g = &groups.groups()[1];
    let by_display = AlternateIdentifier::UniqueAttribute(
        UniqueAttribute::builder()
            .attribute_path("displayName")
            .attribute_value(Document::String(g.display_name().expect("name").to_owned()))
            .build()
            .expect("attribute"),
    );
    let out = ids
        .get_group_id()
        .identity_store_id(&store)
        .alternate_identifier(by_display)
        .send()
        .await
        .expect("GetGroupId");
    assert_eq!(out.group_id(), g.group_id());
    let missing = AlternateIdentifier::UniqueAttribute(
        UniqueAttribute::builder()
            .attribute_path("userName")
            .attribute_value(Document::String("nobody@example.com".into()))
            .build()
            .expect("attribute"),
    );
    let err = ids
        .get_user_id()
        .identity_store_id(&store)
        .alternate_identifier(missing)
        .send()
        .await
        .expect_err("absent");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}
