//! STS (Query protocol): `GetCallerIdentity`, and `AssumeRole` with trust
//! policy evaluation (Principal, `sts:ExternalId`) and expiring sessions.

use crate::errors::WireError;
use crate::iam::policy::{Context, Decision, evaluate, trust_allows};
use crate::server::router::{Ctx, Params};
use crate::util::{iso8601, now_epoch, xml_escape};

pub fn handle(ctx: &Ctx<'_>, action: &str, p: &Params) -> Result<Option<String>, WireError> {
    match action {
        "GetCallerIdentity" => Ok(Some(format!(
            "    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n",
            xml_escape(&ctx.caller.arn),
            xml_escape(&ctx.caller.user_id()),
            ctx.caller.account
        ))),
        "AssumeRole" => assume_role(ctx, p).map(Some),
        _ => Err(WireError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version 2011-06-15"),
        )),
    }
}

fn validation(field: &str, value: &str, constraint: &str) -> WireError {
    WireError::new(
        400,
        "ValidationError",
        format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
        ),
    )
}

fn check_chars(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    extra: &str,
) -> Result<(), WireError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) || extra.contains(c);
    if value.len() < min || value.len() > max {
        return Err(validation(
            field,
            value,
            &format!("Member must have length between {min} and {max}"),
        ));
    }
    if !value.chars().all(ok_char) {
        return Err(validation(
            field,
            value,
            &format!("Member must satisfy regular expression pattern: [\\w+=,.@{extra}-]*"),
        ));
    }
    Ok(())
}

/// `RegionDisabledException` when STS is not activated in the request's
/// Region for the account that would issue the credentials.
fn region_enabled(ctx: &Ctx<'_>, account: &str) -> Result<(), WireError> {
    if ctx.world.sts_disabled_regions.contains(&ctx.region) {
        return Err(WireError::new(
            403,
            "RegionDisabledException",
            format!(
                "STS is not activated in this region for account:{account}. Your account administrator can activate STS in this region using the IAM Console."
            ),
        ));
    }
    Ok(())
}

fn assume_role(ctx: &Ctx<'_>, p: &Params) -> Result<String, WireError> {
    let role_arn = p.get("RoleArn").ok_or_else(|| {
        WireError::new(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
    })?;
    let session = p.get("RoleSessionName").ok_or_else(|| {
        WireError::new(400, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
    })?;
    check_chars("roleSessionName", session, 2, 64, "")?;
    if role_arn.len() < 20 || role_arn.len() > 2048 {
        return Err(validation(
            "roleArn",
            role_arn,
            "Member must have length between 20 and 2048",
        ));
    }
    let external_id = p.get("ExternalId");
    if let Some(x) = external_id {
        check_chars("externalId", x, 2, 1224, ":/")?;
    }
    let requested = match p.get("DurationSeconds") {
        None => 3600,
        Some(s) => {
            let d: u64 = s
                .parse()
                .map_err(|_| validation("durationSeconds", s, "Member must be a number"))?;
            if !(900..=43_200).contains(&d) {
                return Err(validation(
                    "durationSeconds",
                    s,
                    "Member must have value between 900 and 43200",
                ));
            }
            d
        }
    };
    let denied = || {
        WireError::new(
            403,
            "AccessDenied",
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                ctx.caller.arn
            ),
        )
    };
    let mut iam = ctx.world.iam.lock().expect("iam lock");
    let role = iam.role_by_arn(role_arn).cloned().ok_or_else(denied)?;
    region_enabled(ctx, &role.account)?;
    let mut trust_ctx = Context::new();
    if let Some(x) = external_id {
        trust_ctx.insert("sts:ExternalId".into(), x.clone());
    }
    trust_ctx.insert("aws:PrincipalArn".into(), ctx.caller.arn.clone());
    trust_ctx.insert("aws:PrincipalAccount".into(), ctx.caller.account.clone());
    if !trust_allows(
        &role.trust,
        &ctx.caller.account,
        &ctx.caller.trust_arns(),
        &trust_ctx,
    ) {
        return Err(denied());
    }
    // Cross-account: the caller's own policies must also allow it.
    let identity = evaluate(
        &iam.policies_of(&ctx.caller),
        "sts:AssumeRole",
        role_arn,
        &Context::new(),
    );
    let same_account = ctx.caller.account == role.account;
    if identity == Decision::ExplicitDeny || (identity != Decision::Allow && !same_account) {
        return Err(denied());
    }
    if requested > role.max_session {
        return Err(WireError::new(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let lifetime = role.session_override.unwrap_or_else(|| {
        requested.min(
            ctx.world
                .session_seconds
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    });
    let now = now_epoch();
    iam.prune_expired(now);
    let (akid, key) = iam.issue_session(&role, session, now + lifetime);
    Ok(format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{}:{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>{akid}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n",
        role.id,
        xml_escape(session),
        xml_escape(&key.principal.arn),
        xml_escape(&key.secret),
        xml_escape(key.session_token.as_deref().unwrap_or_default()),
        iso8601(now + lifetime),
    ))
}
