//! The three list APIs, each paginated behind its rate limiter (its own, or
//! one shared by all three, as the quota model says). Groups
//! feed a queue that membership workers drain while groups are still arriving.

use std::sync::Arc;

use roster_aws::{AwsError, DirectoryClient, Page};
use roster_core::sync_report::Vanished;
use roster_core::{Diagnosis, GroupId, Membership};
use roster_store::StageBatch;
use tokio::sync::{Mutex, mpsc};

use crate::limiter::{ApiLimiters, Lane, RateLimiter};
use crate::progress::{Api, SyncProgress};
use crate::retry::{RetryPolicy, with_retries};

pub(crate) struct Readers {
    pub client: DirectoryClient,
    pub limiters: Arc<ApiLimiters>,
    pub policy: RetryPolicy,
    pub progress: Arc<SyncProgress>,
    pub out: mpsc::Sender<StageBatch>,
}

fn writer_gone() -> Diagnosis {
    Diagnosis::aws_error(
        "sync",
        "StoreWriterStopped",
        "the store writer stopped before the directory was read",
    )
}

fn repeated_token(api: Api) -> Diagnosis {
    Diagnosis::aws_error(
        api.operation(),
        "PaginationLoop",
        "AWS returned the same NextToken twice; stopping to avoid an endless read",
    )
}

impl Readers {
    fn limiter(&self, api: Api) -> &RateLimiter {
        self.limiters.limiter(api)
    }

    async fn emit(&self, batch: StageBatch) -> Result<(), Diagnosis> {
        self.out.send(batch).await.map_err(|_| writer_gone())
    }

    /// Reads every page of one list call, handing each to `sink`.
    async fn paginate<T, F, Fut, S, SFut>(
        &self,
        api: Api,
        fetch: F,
        mut sink: S,
    ) -> Result<(), Diagnosis>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<Page<T>, roster_aws::AwsError>>,
        S: FnMut(Vec<T>) -> SFut,
        SFut: Future<Output = Result<(), Diagnosis>>,
    {
        let mut next: Option<String> = None;
        loop {
            let token = next.clone();
            let lane = if token.is_some() {
                Lane::Continuation
            } else {
                Lane::Start
            };
            let page = with_retries(
                api,
                lane,
                self.limiter(api),
                &self.policy,
                &self.progress,
                || fetch(token.clone()),
            )
            .await?;
            self.progress.count_page(api, page.items.len());
            sink(page.items).await?;
            match page.next_token {
                Some(t) if Some(&t) == next.as_ref() => return Err(repeated_token(api)),
                Some(t) => next = Some(t),
                None => return Ok(()),
            }
        }
    }

    pub async fn users(self: Arc<Self>) -> Result<(), Diagnosis> {
        self.paginate(
            Api::ListUsers,
            |t| self.client.users_page(t, None),
            |users| {
                self.emit(StageBatch {
                    users,
                    ..StageBatch::default()
                })
            },
        )
        .await
    }

    pub async fn groups(self: Arc<Self>, queue: mpsc::Sender<GroupId>) -> Result<(), Diagnosis> {
        self.paginate(
            Api::ListGroups,
            |t| self.client.groups_page(t, None),
            |groups| {
                let queue = queue.clone();
                let this = &self;
                async move {
                    let ids: Vec<GroupId> = groups.iter().map(|g| g.group_id.clone()).collect();
                    this.emit(StageBatch {
                        groups,
                        ..StageBatch::default()
                    })
                    .await?;
                    for id in ids {
                        queue.send(id).await.map_err(|_| writer_gone())?;
                    }
                    Ok(())
                }
            },
        )
        .await
    }

    /// One page of a group's memberships; a group deleted since `ListGroups`
    /// listed it (SCIM keeps provisioning) reads as an empty last page and is
    /// recorded in the sync's report (the directory changed while read).
    async fn memberships_or_vanished(
        &self,
        group: &GroupId,
        token: Option<String>,
    ) -> Result<Page<Membership>, AwsError> {
        match self.client.memberships_page(group, token, None).await {
            Err(AwsError::Vanished {
                resource_type,
                resource_id,
                message,
            }) => {
                tracing::info!(group = %group, %message, "group vanished while its memberships were read");
                self.progress.record_vanished(Vanished {
                    resource_id: if resource_id.is_empty() {
                        group.as_str().to_owned()
                    } else {
                        resource_id
                    },
                    resource_type,
                    operation: Api::ListGroupMemberships.operation().to_owned(),
                });
                Ok(Page {
                    items: Vec::new(),
                    next_token: None,
                })
            }
            other => other,
        }
    }

    /// One membership worker: takes groups off the queue until it is closed and empty.
    pub async fn memberships(
        self: Arc<Self>,
        queue: Arc<Mutex<mpsc::Receiver<GroupId>>>,
    ) -> Result<(), Diagnosis> {
        loop {
            let Some(group) = queue.lock().await.recv().await else {
                return Ok(());
            };
            self.paginate(
                Api::ListGroupMemberships,
                |t| self.memberships_or_vanished(&group, t),
                |memberships| {
                    self.emit(StageBatch {
                        memberships,
                        ..StageBatch::default()
                    })
                },
            )
            .await?;
            self.progress.count_group_done();
        }
    }
}
