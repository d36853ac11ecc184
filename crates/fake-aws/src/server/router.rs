//! Routes a request the way AWS does: the `SigV4` credential scope names the
//! service and Region; `X-Amz-Target` (JSON 1.1) or `Action` (Query) names
//! the operation. Then authentication, injected faults, and the service.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Limited};
use serde_json::Value;

use super::auth::authenticate;
use super::body::FakeBody;
use crate::error_shapes::{Modeled, conform};
use crate::errors::{Protocol, WireError};
use crate::faults::Injected;
use crate::iam::store::IamPrincipal;
use crate::sigv4::parse_authorization;
use crate::world::World;

pub const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
pub const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// Everything a service handler needs about the request.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub world: &'a World,
    pub caller: IamPrincipal,
    pub region: String,
    pub protocol: Protocol,
    /// `service:Operation`, e.g. `identitystore:ListUsers`.
    pub api: &'a str,
}

/// Form parameters of a Query request.
pub type Params = HashMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    IdentityStore,
    SsoAdmin,
    Organizations,
    Sts,
    Iam,
}

struct Outcome {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    api: String,
    error: Option<String>,
    directory: bool,
}

const MAX_BODY: usize = 2 * 1024 * 1024;

/// The emulator's own endpoint (not AWS's): per-API counters and the most
/// requests that arrived within any one second, for black-box tests that
/// prove a client's rate from outside its process. Unsigned; it tells
/// nothing but counts.
pub const STATS_PATH: &str = "/_fake-aws/stats";

fn stats_response(world: &World) -> Response<FakeBody> {
    let apis: serde_json::Map<String, Value> = world
        .stats
        .per_api()
        .into_iter()
        .map(|(api, stats)| {
            let busiest = world
                .stats
                .max_in_window(&api, std::time::Duration::from_secs(1));
            let mut v = serde_json::to_value(stats).unwrap_or_default();
            v["max_in_any_second"] = busiest.into();
            (api, v)
        })
        .collect();
    let body = serde_json::json!({ "apis": apis }).to_string();
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(FakeBody::full(body))
        .unwrap_or_else(|_| Response::new(FakeBody::full("")))
}

/// Serves one HTTP request.
pub async fn serve(
    world: Arc<World>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<FakeBody>, Infallible> {
    let arrived = Instant::now();
    if req.method() == http::Method::GET && req.uri().path() == STATS_PATH {
        return Ok(stats_response(&world));
    }
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map_or_else(|_| Bytes::new(), http_body_util::Collected::to_bytes);
    let out = process(&world, &parts, &body);
    if let Some(delay) = world.faults.latency() {
        tokio::time::sleep(delay).await;
    }
    world
        .stats
        .record(&out.api, arrived, out.status, out.error.as_deref());
    let reset = out.directory && world.faults.take_reset();
    let mut resp = Response::builder().status(out.status);
    for (k, v) in out.headers {
        resp = resp.header(k, v);
    }
    if world.clock_skew_seconds != 0 {
        // The server's (skewed) clock, as AWS's Date header shows its own;
        // SDKs that correct clock skew read it.
        resp = resp.header("Date", crate::util::http_date(world.now()));
    }
    let body = if reset {
        FakeBody::reset_midway(out.body)
    } else {
        FakeBody::full(out.body)
    };
    Ok(resp
        .body(body)
        .unwrap_or_else(|_| Response::new(FakeBody::full(""))))
}

fn header<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

fn process(world: &World, parts: &http::request::Parts, body: &[u8]) -> Outcome {
    let request_id = world.request_id();
    let auth = header(parts, "authorization").and_then(parse_authorization);
    let (service, op, protocol, input) =
        route(parts, body, auth.as_ref().map(|a| a.service.as_str()));
    let prefix = match service {
        Service::IdentityStore => "identitystore",
        Service::SsoAdmin => "sso",
        Service::Organizations => "organizations",
        Service::Sts => "sts",
        Service::Iam => "iam",
    };
    let api = format!("{prefix}:{op}");
    let directory = matches!(service, Service::IdentityStore | Service::SsoAdmin);
    let modeled = match service {
        Service::SsoAdmin => Some(Modeled::SsoAdmin),
        Service::Organizations => Some(Modeled::Organizations),
        _ => None,
    };
    let fail = |e: WireError| {
        // sso-admin's and organizations' bodies exactly as their models shape them.
        let e = match modeled {
            Some(m) if protocol == Protocol::Json => conform(m, e),
            _ => e,
        };
        let (status, headers, body) = e.render(protocol, &request_id);
        Outcome {
            status,
            headers,
            body,
            api: api.clone(),
            error: Some(e.code),
            directory,
        }
    };
    let caller = match authenticate(world, parts, body, auth.as_ref()) {
        Ok(p) => p,
        Err(f) => return fail(f.to_error(protocol)),
    };
    if directory {
        match world.faults.roll() {
            Injected::Throttle => return fail(WireError::throttling(1)),
            Injected::ServerError => return fail(WireError::internal()),
            Injected::Nothing => {}
        }
    }
    let ctx = Ctx {
        world,
        caller,
        region: auth.map(|a| a.region).unwrap_or_default(),
        protocol,
        api: &api,
    };
    let result = match input {
        Input::Json(Err(e)) | Input::Form(Err(e)) => Err(e),
        Input::Json(Ok(v)) => match service {
            Service::IdentityStore => crate::identitystore::handle(&ctx, &op, &v),
            Service::Organizations => crate::organizations::handle(&ctx, &op, &v),
            _ => crate::ssoadmin::handle(&ctx, &op, &v),
        }
        .map(|v| ("application/x-amz-json-1.1", v.to_string())),
        Input::Form(Ok(p)) => match service {
            Service::Sts => crate::sts::handle(&ctx, &op, &p),
            _ => crate::iam::api::handle(&ctx, &op, &p),
        }
        .map(|inner| {
            (
                "text/xml",
                query_response(&op, protocol, inner.as_deref(), &request_id),
            )
        }),
    };
    match result {
        Ok((content_type, body)) => Outcome {
            status: 200,
            headers: vec![
                ("x-amzn-RequestId", request_id.clone()),
                ("Content-Type", content_type.to_owned()),
            ],
            body,
            api,
            error: None,
            directory,
        },
        Err(e) => fail(e),
    }
}

enum Input {
    Json(Result<Value, WireError>),
    Form(Result<Params, WireError>),
}

fn route(
    parts: &http::request::Parts,
    body: &[u8],
    scope_service: Option<&str>,
) -> (Service, String, Protocol, Input) {
    if let Some(target) = header(parts, "x-amz-target") {
        let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
        let service = match (prefix, scope_service) {
            ("AWSIdentityStore", _) | (_, Some("identitystore")) => Service::IdentityStore,
            ("AWSOrganizationsV20161128", _) | (_, Some("organizations")) => Service::Organizations,
            _ => Service::SsoAdmin,
        };
        let json = if body.is_empty() {
            Ok(Value::Object(serde_json::Map::new()))
        } else {
            serde_json::from_slice(body).map_err(|_| {
                WireError::new(400, "SerializationException", "Malformed JSON request body")
            })
        };
        let input = Input::Json(json.and_then(|v| {
            if !prefix.is_empty()
                && !matches!(
                    prefix,
                    "AWSIdentityStore" | "SWBExternalService" | "AWSOrganizationsV20161128"
                )
            {
                return Err(WireError::new(
                    400,
                    "UnknownOperationException",
                    format!("Unknown target {target}"),
                ));
            }
            Ok(v)
        }));
        return (service, op.to_owned(), Protocol::Json, input);
    }
    let mut params: Params = form_urlencoded::parse(body).into_owned().collect();
    if let Some(q) = parts.uri.query() {
        params.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let action = params.get("Action").cloned().unwrap_or_default();
    let service = match scope_service {
        Some("iam") => Service::Iam,
        Some("sts") => Service::Sts,
        _ if matches!(action.as_str(), "AssumeRole" | "GetCallerIdentity") => Service::Sts,
        _ => Service::Iam,
    };
    let ns = if service == Service::Sts {
        STS_NS
    } else {
        IAM_NS
    };
    let input = if action.is_empty() {
        Input::Form(Err(WireError::new(400, "MissingAction", "Missing Action")))
    } else {
        Input::Form(Ok(params))
    };
    (service, action, Protocol::Query(ns), input)
}

fn query_response(
    action: &str,
    protocol: Protocol,
    inner: Option<&str>,
    request_id: &str,
) -> String {
    let ns = match protocol {
        Protocol::Query(ns) => ns,
        Protocol::Json => STS_NS,
    };
    let result = inner.map_or_else(String::new, |r| {
        format!("  <{action}Result>\n{r}  </{action}Result>\n")
    });
    format!(
        "<{action}Response xmlns=\"{ns}\">\n{result}  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
    )
}
