//! API: inviting a person to the caller's tenant — an adapter over
//! `service::invitations` (the invitee accepts on the console's page).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::audit;
use crate::auth::ApiWriter;
use crate::error::{ErrorBody, WebError};
use crate::extract::AppJson;
use crate::service::invitations::{self, Invitation, NewInvitation};
use crate::state::AppState;

#[utoipa::path(post, path = "/api/v1/invitations", tag = "users", request_body = NewInvitation, responses((status = 201, body = Invitation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    AppJson(body): AppJson<NewInvitation>,
) -> Result<(StatusCode, Json<Invitation>), WebError> {
    let inv = invitations::invite(&state, who.tenant(), &audit::actor(&who), &body).await?;
    Ok((StatusCode::CREATED, Json(inv)))
}
