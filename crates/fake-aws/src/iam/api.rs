//! The IAM Query API subset the wizard's AWS CLI commands use: roles, their
//! inline policies and attached managed policies.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::managed;
use super::policy::PolicyDoc;
use super::store::Role;
use crate::errors::WireError;
use crate::server::router::{Ctx, Params};
use crate::util::{iso8601, now_epoch, xml_escape};

fn required<'a>(p: &'a Params, name: &str) -> Result<&'a String, WireError> {
    p.get(name).ok_or_else(|| {
        let mut field = name.to_owned();
        field[..1].make_ascii_lowercase();
        WireError::new(
            400,
            "ValidationError",
            format!("1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"),
        )
    })
}

fn no_such_role(name: &str) -> WireError {
    WireError::new(
        404,
        "NoSuchEntity",
        format!("The role with name {name} cannot be found."),
    )
}

fn malformed(msg: &str) -> WireError {
    WireError::new(400, "MalformedPolicyDocument", msg)
}

fn role_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role{path}{name}")
}

fn role_xml(r: &Role) -> String {
    let mut s = format!(
        "    <Role>\n      <Path>{}</Path>\n      <RoleName>{}</RoleName>\n      <RoleId>{}</RoleId>\n      <Arn>{}</Arn>\n      <CreateDate>{}</CreateDate>\n      <AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument>\n",
        xml_escape(&r.path),
        xml_escape(&r.name),
        r.id,
        xml_escape(&r.arn),
        iso8601(r.created),
        utf8_percent_encode(&r.trust_text, NON_ALPHANUMERIC),
    );
    if let Some(d) = &r.description {
        let _ = writeln!(s, "      <Description>{}</Description>", xml_escape(d));
    }
    let _ = write!(
        s,
        "      <MaxSessionDuration>{}</MaxSessionDuration>\n    </Role>\n",
        r.max_session
    );
    s
}

fn valid_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

const ACTIONS: &[&str] = &[
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListRolePolicies",
    "ListAttachedRolePolicies",
];

pub fn handle(ctx: &Ctx<'_>, action: &str, p: &Params) -> Result<Option<String>, WireError> {
    let account = ctx.caller.account.clone();
    if !ACTIONS.contains(&action) {
        return Err(WireError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version 2010-05-08"),
        ));
    }
    let name = required(p, "RoleName")?.clone();
    if action == "CreateRole" {
        return create_role(ctx, &account, &name, p).map(Some);
    }
    let existing_arn = ctx
        .world
        .iam
        .lock()
        .expect("iam lock")
        .role(&account, &name)
        .map(|r| r.arn.clone());
    let resource = existing_arn.unwrap_or_else(|| role_arn(&account, "/", &name));
    ctx.world.authorize(
        &ctx.caller,
        &format!("iam:{action}"),
        &resource,
        ctx.protocol,
    )?;
    let mut iam = ctx.world.iam.lock().expect("iam lock");
    let role = iam
        .role_mut(&account, &name)
        .ok_or_else(|| no_such_role(&name))?;
    match action {
        "GetRole" => Ok(Some(role_xml(role))),
        "DeleteRole" => {
            if !role.inline.is_empty() {
                return Err(WireError::new(
                    409,
                    "DeleteConflict",
                    "Cannot delete entity, must delete policies first.",
                ));
            }
            if !role.attached.is_empty() {
                return Err(WireError::new(
                    409,
                    "DeleteConflict",
                    "Cannot delete entity, must detach all policies first.",
                ));
            }
            iam.remove_role(&account, &name);
            Ok(None)
        }
        "PutRolePolicy" => {
            let policy_name = required(p, "PolicyName")?.clone();
            let text = required(p, "PolicyDocument")?.clone();
            let doc = PolicyDoc::parse(&text).map_err(|e| malformed(&e))?;
            role.inline.insert(policy_name, (text, doc));
            Ok(None)
        }
        "DeleteRolePolicy" => {
            let policy_name = required(p, "PolicyName")?;
            role.inline
                .remove(policy_name)
                .map(|_| None)
                .ok_or_else(|| {
                    WireError::new(
                        404,
                        "NoSuchEntity",
                        format!("The role policy with name {policy_name} cannot be found."),
                    )
                })
        }
        "AttachRolePolicy" => {
            let arn = required(p, "PolicyArn")?;
            let text = managed::document(arn).ok_or_else(|| {
                WireError::new(
                    404,
                    "NoSuchEntity",
                    format!("Policy {arn} does not exist or is not attachable."),
                )
            })?;
            role.attached.insert(
                arn.clone(),
                PolicyDoc::parse(text).map_err(|e| malformed(&e))?,
            );
            Ok(None)
        }
        "DetachRolePolicy" => {
            let arn = required(p, "PolicyArn")?;
            role.attached.remove(arn).map(|_| None).ok_or_else(|| {
                WireError::new(404, "NoSuchEntity", format!("Policy {arn} was not found."))
            })
        }
        "ListRolePolicies" => Ok(Some(inline_names_xml(role))),
        _ => Ok(Some(attached_xml(role))),
    }
}

fn inline_names_xml(role: &Role) -> String {
    let names = role.inline.keys().fold(String::new(), |mut acc, n| {
        let _ = writeln!(acc, "      <member>{}</member>", xml_escape(n));
        acc
    });
    format!("    <PolicyNames>\n{names}    </PolicyNames>\n    <IsTruncated>false</IsTruncated>\n")
}

fn attached_xml(role: &Role) -> String {
    let items = role.attached.keys().fold(String::new(), |mut acc, a| {
        let n = a.rsplit('/').next().unwrap_or(a);
        let _ = writeln!(
            acc,
            "      <member>\n        <PolicyName>{}</PolicyName>\n        <PolicyArn>{}</PolicyArn>\n      </member>",
            xml_escape(n),
            xml_escape(a)
        );
        acc
    });
    format!(
        "    <AttachedPolicies>\n{items}    </AttachedPolicies>\n    <IsTruncated>false</IsTruncated>\n"
    )
}

fn create_role(ctx: &Ctx<'_>, account: &str, name: &str, p: &Params) -> Result<String, WireError> {
    let path = p.get("Path").cloned().unwrap_or_else(|| "/".into());
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err(WireError::new(
            400,
            "ValidationError",
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
        ));
    }
    let arn = role_arn(account, &path, name);
    ctx.world
        .authorize(&ctx.caller, "iam:CreateRole", &arn, ctx.protocol)?;
    if !valid_role_name(name) {
        return Err(WireError::new(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value '{name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
            ),
        ));
    }
    let trust_text = required(p, "AssumeRolePolicyDocument")?.clone();
    let trust = PolicyDoc::parse(&trust_text).map_err(|e| malformed(&e))?;
    let max_session = match p.get("MaxSessionDuration") {
        None => 3600,
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|d| (3600..=43_200).contains(d))
            .ok_or_else(|| {
                WireError::new(
                    400,
                    "ValidationError",
                    "MaxSessionDuration must be between 3600 and 43200 seconds.",
                )
            })?,
    };
    let role = Role {
        account: account.to_owned(),
        name: name.to_owned(),
        path,
        arn,
        id: String::new(),
        description: p.get("Description").cloned(),
        trust_text,
        trust,
        inline: BTreeMap::new(),
        attached: BTreeMap::new(),
        max_session,
        created: now_epoch(),
        session_override: None,
    };
    let mut iam = ctx.world.iam.lock().expect("iam lock");
    if !iam.insert_role(role) {
        return Err(WireError::new(
            409,
            "EntityAlreadyExists",
            format!("Role with name {name} already exists."),
        ));
    }
    let created = iam.role(account, name).expect("just inserted");
    Ok(role_xml(created))
}
