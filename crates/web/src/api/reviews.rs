//! API: access reviews — campaigns (list, open, show with items, close,
//! signed bundle), the caller's own queue and decisions (reviewers too),
//! and the owners of a source's groups, accounts and permission sets.
//! Adapters over `service::reviews`, `reviews_items`, `reviews_owners`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::review_views::{CampaignDetailView, CampaignView, DecisionView, OwnerView, QueueView};
use crate::auth::principal::ApiWriter;
use crate::auth::{AnyRole, AnyRolePoster, Principal};
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppJson, AppQuery, TenantSource};
use crate::service::bundles::BundleFile;
use crate::service::reviews::{self, CampaignInput, ItemQuery};
use crate::service::reviews_items::{self, BulkDecisionInput, DecisionInput, QueuePage};
use crate::service::reviews_owners::{self, OwnerInput};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews",
    responses((status = 200, body = [CampaignView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Vec<CampaignView>>, WebError> {
    let all = reviews::list(&state, &who).await?;
    Ok(Json(all.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", request_body = CampaignInput,
    responses((status = 201, body = CampaignView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "no complete snapshot of that kind")), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    AppJson(input): AppJson<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignView>), WebError> {
    let c = reviews::create(&state, &who, &input).await?;
    Ok((StatusCode::CREATED, Json((&c).into())))
}

#[utoipa::path(get, path = "/api/v1/reviews/{campaign}", tag = "reviews", params(("campaign" = String, Path, description = "Campaign ID"), ItemQuery),
    responses((status = 200, body = CampaignDetailView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(campaign): Path<String>,
    AppQuery(q): AppQuery<ItemQuery>,
) -> Result<Json<CampaignDetailView>, WebError> {
    let d = reviews::show(&state, &who, &campaign, &q).await?;
    Ok(Json((&d).into()))
}

#[utoipa::path(post, path = "/api/v1/reviews/{campaign}/close", tag = "reviews", params(("campaign" = String, Path, description = "Campaign ID")),
    responses((status = 200, body = CampaignView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already closed")), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn close(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(campaign): Path<String>,
) -> Result<Json<CampaignView>, WebError> {
    let c = reviews::close(&state, &who, &campaign).await?;
    Ok(Json((&c).into()))
}

#[utoipa::path(get, path = "/api/v1/reviews/{campaign}/bundle", tag = "reviews", params(("campaign" = String, Path, description = "Campaign ID")),
    responses((status = 200, description = "The campaign's signed evidence bundle; `roster evidence verify` checks it", content_type = "application/zip", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn bundle(
    State(state): State<AppState>,
    who: Principal,
    Path(campaign): Path<String>,
) -> Result<BundleFile, WebError> {
    reviews::export(&state, &who, &campaign).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `undecided` (the default) or `all`.
    #[serde(default)]
    pub show: Option<String>,
    /// One campaign's items only (its first page without `cursor`).
    #[serde(default)]
    pub campaign: Option<String>,
    /// A page of one campaign: the `next` or `previous` of a queue entry.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/review-queue", tag = "reviews", params(QueueQuery),
    responses((status = 200, body = [QueueView], description = "The caller's own items in open campaigns (every role, reviewers included): the first page of each, or with `campaign` one page of that campaign"),
        (status = 400, body = ErrorBody, description = "a malformed cursor, or another campaign's"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "the campaign is not open, not the tenant's, or has no item of the caller's")), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn queue(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    AppQuery(q): AppQuery<QueueQuery>,
) -> Result<Json<Vec<QueueView>>, WebError> {
    let page = QueuePage::parse(
        q.show.as_deref(),
        q.campaign.as_deref(),
        q.cursor.as_deref(),
    )?;
    let entries = reviews_items::queue(&state, &who, &page).await?;
    Ok(Json(entries.iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/reviews/{campaign}/items/{item}/decision", tag = "reviews",
    params(("campaign" = String, Path, description = "Campaign ID"), ("item" = i64, Path, description = "Item ID")), request_body = DecisionInput,
    responses((status = 201, body = DecisionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "not the item's reviewer"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "own access, or the campaign is closed")), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn decide(
    State(state): State<AppState>,
    AnyRolePoster(who): AnyRolePoster,
    Path((campaign, item)): Path<(String, String)>,
    AppJson(input): AppJson<DecisionInput>,
) -> Result<(StatusCode, Json<DecisionView>), WebError> {
    let item = item
        .parse()
        .map_err(|_| WebError::NotFound("review item".into()))?;
    let record = reviews_items::decide(&state, &who, &campaign, item, &input).await?;
    Ok((StatusCode::CREATED, Json((&record).into())))
}

#[utoipa::path(post, path = "/api/v1/reviews/{campaign}/decisions", tag = "reviews",
    params(("campaign" = String, Path, description = "Campaign ID")), request_body = BulkDecisionInput,
    responses((status = 201, body = [DecisionView], description = "One record per item"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn decide_bulk(
    State(state): State<AppState>,
    AnyRolePoster(who): AnyRolePoster,
    Path(campaign): Path<String>,
    AppJson(input): AppJson<BulkDecisionInput>,
) -> Result<(StatusCode, Json<Vec<DecisionView>>), WebError> {
    let records = reviews_items::decide_bulk(&state, &who, &campaign, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(records.iter().map(Into::into).collect()),
    ))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/owners", tag = "reviews", params(("id" = String, Path, description = "Source ID")),
    responses((status = 200, body = [OwnerView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn owners(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
) -> Result<Json<Vec<OwnerView>>, WebError> {
    let all = reviews_owners::list(&state, &who, &source).await?;
    Ok(Json(all.iter().map(Into::into).collect()))
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/owners", tag = "reviews", params(("id" = String, Path, description = "Source ID")), request_body = OwnerInput,
    responses((status = 200, body = [OwnerView], description = "The source's owners after the change (an empty email removes one)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn set_owner(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppJson(input): AppJson<OwnerInput>,
) -> Result<Json<Vec<OwnerView>>, WebError> {
    let all = reviews_owners::set(&state, &who, &source, &input).await?;
    Ok(Json(all.iter().map(Into::into).collect()))
}

/// The reviews part of the `OpenAPI` document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    show,
    close,
    bundle,
    queue,
    decide,
    decide_bulk,
    owners,
    set_owner
))]
pub struct ReviewsApi;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/reviews", get(list).post(create))
        .route("/reviews/{campaign}", get(show))
        .route("/reviews/{campaign}/close", post(close))
        .route("/reviews/{campaign}/bundle", get(bundle))
        .route("/reviews/{campaign}/decisions", post(decide_bulk))
        .route("/reviews/{campaign}/items/{item}/decision", post(decide))
        .route("/review-queue", get(queue))
        .route("/sources/{id}/owners", get(owners).put(set_owner))
}
