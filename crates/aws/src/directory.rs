//! Page-by-page Identity Store reads, always with `MaxResults=100`. The sync
//! engine drives pagination, rate limits and retries; this only speaks AWS.

use roster_core::quota::PAGE_SIZE;
use roster_core::{Group, GroupId, IdentityStoreId, Membership, Region, User};

use crate::classify::{Op, Service, classify};
use crate::convert;
use crate::error::AwsError;
use crate::session::CustomerSession;

/// One page of a list call.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DirectoryClient {
    client: aws_sdk_identitystore::Client,
    store_id: IdentityStoreId,
    region: Region,
}

#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
const MAX_RESULTS: i32 = PAGE_SIZE as i32;

fn token(t: Option<&str>) -> Option<String> {
    t.filter(|t| !t.is_empty()).map(str::to_owned)
}

impl DirectoryClient {
    pub fn new(session: &CustomerSession, store_id: IdentityStoreId, region: Region) -> Self {
        Self {
            client: session.identity_store(&region),
            store_id,
            region,
        }
    }

    pub fn identity_store_id(&self) -> &IdentityStoreId {
        &self.store_id
    }

    fn op(&self, name: &'static str) -> Op<'_> {
        Op {
            name,
            service: Service::IdentityStore,
            store: Some((self.store_id.as_str(), self.region.as_str())),
        }
    }

    pub async fn users_page(
        &self,
        next: Option<String>,
        max: Option<i32>,
    ) -> Result<Page<User>, AwsError> {
        let out = self
            .client
            .list_users()
            .identity_store_id(self.store_id.as_str())
            .extensions(roster_core::directory::ENTERPRISE_EXTENSION)
            .max_results(max.unwrap_or(MAX_RESULTS))
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(self.op("ListUsers"), e))?;
        let items = out
            .users()
            .iter()
            .map(|u| convert::user(u, &self.store_id))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn groups_page(
        &self,
        next: Option<String>,
        max: Option<i32>,
    ) -> Result<Page<Group>, AwsError> {
        let out = self
            .client
            .list_groups()
            .identity_store_id(self.store_id.as_str())
            .max_results(max.unwrap_or(MAX_RESULTS))
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(self.op("ListGroups"), e))?;
        let items = out
            .groups()
            .iter()
            .map(|g| convert::group(g, &self.store_id))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }

    pub async fn memberships_page(
        &self,
        group: &GroupId,
        next: Option<String>,
        max: Option<i32>,
    ) -> Result<Page<Membership>, AwsError> {
        let out = self
            .client
            .list_group_memberships()
            .identity_store_id(self.store_id.as_str())
            .group_id(group.as_str())
            .max_results(max.unwrap_or(MAX_RESULTS))
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| classify(self.op("ListGroupMemberships"), e))?;
        let mut items = Vec::with_capacity(out.group_memberships().len());
        for m in out.group_memberships() {
            if let Some(m) = convert::membership(m, group)? {
                items.push(m);
            }
        }
        Ok(Page {
            items,
            next_token: token(out.next_token()),
        })
    }
}
