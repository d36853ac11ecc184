//! The application services: one function per business operation, taking
//! the caller (`&Principal`: tenant and actor; invitations take them
//! apart, since the instance admin invites too) and typed input, returning
//! typed output or a `WebError`. Services check roles themselves, scope
//! every read and write to the caller's tenant and write the audit log.
//! `api/` (JSON) and `pages/` (HTML) are thin adapters over them and never
//! import each other; the path's `{id}` becomes a source through
//! `extract::TenantSource` (`sources::get`).
//!
//! Every route and the service function behind it (handler names match:
//! `api::<module>::<handler>` / `pages::<module>::<handler>`):
//!
//! | Route | Handler | Service |
//! |---|---|---|
//! | `GET /api/v1/sources`, `GET /sources` | `api::sources::list`, `pages::sources::catalog` | `sources::list` |
//! | `POST /api/v1/sources`, `POST /sources` | `api::sources::create`, `pages::sources::toggle_on` | `sources::create` |
//! | `GET /api/v1/sources/{id}`, `GET /sources/{id}` | `api::sources::get`, `pages::settings::show` | `sources::get` (+ `syncs::last`) |
//! | `DELETE /api/v1/sources/{id}`, `POST /sources/{id}/delete` | `api::sources::delete`, `pages::settings::delete` | `sources::delete` |
//! | `GET /api/v1/sources/{id}/setup`, `GET /sources/{id}/wizard` (the SSO source's wizard for a source that collects access; `?collect=access`: "also collect access" for an Identity Store connection) | `api::sources::setup`, `pages::wizard::show` | `sources::setup` |
//! | `POST /api/v1/sources/{id}/connect` (`collect_access`: with the SSO steps, then collect access) | `api::sources::connect_source` | `sources::connect`, `sources::connect_streamed` |
//! | `POST /api/v1/sources/{id}/sync`, `POST /sources/{id}/sync` | `api::sources::sync`, `pages::settings::sync_now` | `sources::sync` |
//! | `PUT /api/v1/sources/{id}/enabled`, `POST /sources/{id}/enable`, `…/disable` | `api::sources::set_enabled`, `pages::settings::{enable, disable}` | `sources::set_enabled` |
//! | `PUT /api/v1/sources/{id}/schedule` | `api::sources::set_schedule` | `sources::set_schedule` |
//! | `POST /sources/{id}/interval` | `pages::settings::interval` | `sources::set_interval` |
//! | `POST /sources/{id}/rate` | `pages::settings::rate` | `sources::set_api_tps` |
//! | `POST /sources/{id}/quota` | `pages::settings::quota` | `sources::set_quota` |
//! | `GET /api/v1/sources/{id}/syncs`, `GET /syncs` | `api::syncs::list`, `pages::syncs::list` | `syncs::list` (+ `syncs::pending_jobs`) |
//! | `GET /api/v1/sources/{id}/users`, `GET /users` | `api::directory::users`, `pages::users::list` | `directory::users` |
//! | `GET /api/v1/sources/{id}/users/{user_id}`, `GET /users/{user_id}` | `api::directory::user`, `pages::users::detail` | `directory::user` |
//! | `GET /api/v1/sources/{id}/groups`, `GET /groups` | `api::directory::groups`, `pages::groups::list` | `directory::groups` |
//! | `GET /api/v1/sources/{id}/groups/{group_id}`, `GET /groups/{group_id}` | `api::directory::group`, `pages::groups::detail` | `directory::group` (+ `directory::members`) |
//! | `GET /api/v1/sources/{id}/groups/{group_id}/members` | `api::directory::members` | `directory::members` |
//! | `GET /api/v1/sources/{id}/access`, `GET /access` | `api::access::list`, `pages::access::show` | `access::page` (+ `access::current`, `permission_sets::list`, `access::accounts` for the page's views) |
//! | `GET /api/v1/sources/{id}/accounts` | `api::access::accounts` | `access::accounts` |
//! | `GET /api/v1/sources/{id}/permission-sets` | `api::permission_sets::list` | `permission_sets::list` |
//! | `GET /api/v1/sources/{id}/permission-sets/{permission_set}`, `GET /permission-sets/{permission_set}` | `api::permission_sets::get`, `pages::permission_sets::show` | `permission_sets::get` (+ `access::page` for holders) |
//! | `GET /api/v1/sources/{id}/access/diff` (`format=csv`: CSV), `GET /access/diff` | `api::access_diff::diff`, `pages::access_diff::show` | `access_diff::diff` |
//! | `GET /api/v1/sources/{id}/access-settings` | `api::access::get_settings` | `access_checks::settings` |
//! | `PUT /api/v1/sources/{id}/access-settings`, `POST /sources/{id}/access/settings` | `api::access::put_settings`, `pages::access_checks::save` | `access_checks::save_settings` |
//! | (sections of `GET /users/{user_id}`, `GET /groups/{group_id}`, `GET /checks`) | `pages::access_sections::{user_access, group_assignments}`, `pages::access_checks::section` | `access::page`, `access::group_assignments`, `access_checks::report` |
//! | `GET /api/v1/sources/{id}/diff`, `GET /syncs/{sync}/diff` | `api::evidence::diff`, `pages::diff::show` | `evidence::diff` |
//! | `GET /api/v1/sources/{id}/checks`, `GET /checks`, `GET /checks/controls` | `api::evidence::checks`, `pages::checks::show`, `pages::controls::show` | `evidence::checks` |
//! | `GET /api/v1/sources/{id}/check-settings` | `api::evidence::get_settings` | `evidence::settings` |
//! | `PUT /api/v1/sources/{id}/check-settings`, `POST /sources/{id}/checks/settings` | `api::evidence::put_settings`, `pages::checks::save` | `evidence::save_settings` |
//! | `PUT /api/v1/sources/{id}/hr-roster`, `POST /sources/{id}/checks/hr-roster` | `api::evidence::put_roster`, `pages::checks::upload_roster` | `evidence::store_roster` |
//! | `GET /api/v1/sources/{id}/bundle`, `GET /evidence/{sync}/bundle` | `api::bundles::bundle`, `pages::evidence::bundle` | `bundles::export` |
//! | `GET /api/v1/sources/{id}/report`, `GET /reports/{sync}` | `api::bundles::report`, `pages::evidence::report` | `bundles::report` |
//! | `GET /api/v1/evidence/public-key`, `GET /evidence` | `api::bundles::public_key`, `pages::evidence::show` | `bundles::key` |
//! | `POST /api/v1/evidence/verify`, `POST /evidence/verify` | `api::bundles::verify`, `pages::evidence::verify` | `bundles::verify` |
//! | `GET /api/v1/tokens`, `GET /settings/tokens` | `api::tokens::list`, `pages::tokens::list` | `tokens::list` |
//! | `POST /api/v1/tokens`, `POST /settings/tokens` | `api::tokens::create`, `pages::tokens::create` | `tokens::issue` |
//! | `DELETE /api/v1/tokens/{token_id}`, `POST /settings/tokens/{id}/revoke` | `api::tokens::revoke`, `pages::tokens::revoke` | `tokens::revoke` |
//! | `POST /api/v1/invitations`, `POST /settings/team` | `api::invitations::create`, `pages::team::create` | `invitations::invite` |
//! | `GET /api/v1/admin/tenants` | `ops::tenants::list` | `tenants::list` |
//! | `POST /api/v1/admin/tenants` | `ops::tenants::create` | `tenants::create` |
//! | `POST /api/v1/admin/tenants/{tenant}/invitations` | `ops::tenants::invite_user` | `tenants::existing`, `invitations::invite` |
//! | `GET /invite/{token}` | `pages::invite::form` | `invitations::invited` |
//! | `POST /invite/{token}` | `pages::invite::accept` | `invitations::accept` |
//! | `GET /api/v1/audit`, `GET /audit` | `api::audit::list`, `pages::audit::list` | `audit::list` |
//! | `GET /api/v1/reviews`, `GET /reviews` | `api::reviews::list`, `pages::reviews::list` | `reviews::list` |
//! | `GET /reviews/new` | `pages::reviews::new_form` | `sources::list` |
//! | `POST /api/v1/reviews`, `POST /reviews` | `api::reviews::create`, `pages::reviews::create` | `reviews::create` |
//! | `GET /api/v1/reviews/{campaign}`, `GET /reviews/{campaign}` | `api::reviews::show`, `pages::reviews::show` | `reviews::show` |
//! | `POST /api/v1/reviews/{campaign}/close`, `POST /reviews/{campaign}/close` | `api::reviews::close`, `pages::reviews::close` | `reviews::close` |
//! | `GET /api/v1/reviews/{campaign}/bundle`, `GET /reviews/{campaign}/bundle` | `api::reviews::bundle`, `pages::reviews::bundle` | `reviews::export` |
//! | `GET /api/v1/review-queue`, `GET /reviews/mine` (every role) | `api::reviews::queue`, `pages::review_queue::mine` | `reviews_items::queue` |
//! | `POST /api/v1/reviews/{campaign}/items/{item}/decision`, `POST /reviews/{campaign}/items/{item}/decide` (every role) | `api::reviews::decide`, `pages::review_queue::decide` | `reviews_items::decide` |
//! | `POST /api/v1/reviews/{campaign}/decisions`, `POST /reviews/{campaign}/bulk` (every role) | `api::reviews::decide_bulk`, `pages::review_queue::bulk` | `reviews_items::decide_bulk` |
//! | `GET /api/v1/sources/{id}/owners`, `GET /reviews/owners` | `api::reviews::owners`, `pages::review_owners::list` | `reviews_owners::list` |
//! | `PUT /api/v1/sources/{id}/owners`, `POST /reviews/owners` | `api::reviews::set_owner`, `pages::review_owners::set` | `reviews_owners::set` |
//!
//! "(every role)": the routes a reviewer may call (`auth::AnyRole`);
//! every other route takes `Principal`, which refuses reviewers.
//!
//! Not here, because they are no business operation of a tenant: `GET
//! /api/v1/me`, `/catalog`, `/controls` and `/role-arn/validate` (answered
//! from the principal or static tables), sign-in, sign-out and setup
//! (`pages::signin`, `auth`), the demo's fake AWS console (`pages::demo`),
//! and the operations endpoints (`/healthz`, `/readyz`, `/metrics`).

pub mod access;
pub mod access_checks;
pub mod access_diff;
pub mod audit;
pub mod bundles;
pub mod connection_test;
pub mod directory;
pub mod evidence;
pub mod invitations;
pub mod permission_sets;
pub mod reviews;
pub mod reviews_items;
pub mod reviews_owners;
pub mod sources;
pub mod syncs;
pub mod tenants;
pub mod tokens;
