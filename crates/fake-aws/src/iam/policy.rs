//! IAM policy documents parsed from JSON, and their evaluation: identity
//! policies per action/resource (explicit Deny wins, default deny) and trust
//! policies per principal with conditions. Pure; no state.

use std::collections::HashMap;

use serde_json::Value;

use crate::util::glob_match;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
struct Condition {
    operator: String,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct Statement {
    effect: Effect,
    /// `(negated, patterns)`: `NotAction` when negated.
    actions: (bool, Vec<String>),
    /// `None` means no `Resource` element (trust policies).
    resources: Option<(bool, Vec<String>)>,
    /// `AWS` principals of a trust policy; `None` when absent.
    principals: Option<Vec<String>>,
    conditions: Vec<Condition>,
}

/// A parsed policy document.
#[derive(Debug, Clone)]
pub struct PolicyDoc {
    statements: Vec<Statement>,
}

/// The outcome of evaluating identity policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// Request context for condition keys (`sts:ExternalId`, `kms:ViaService`, ...).
pub type Context = HashMap<String, String>;

fn strings(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "expected a string".to_owned())
            })
            .collect(),
        Value::Bool(b) => Ok(vec![b.to_string()]),
        Value::Number(n) => Ok(vec![n.to_string()]),
        _ => Err("expected a string or an array of strings".into()),
    }
}

fn parse_statement(s: &Value) -> Result<Statement, String> {
    let obj = s.as_object().ok_or("Statement must be an object")?;
    let effect = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err("Effect must be Allow or Deny".into()),
    };
    let actions = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(a), None) => (false, strings(a)?),
        (None, Some(a)) => (true, strings(a)?),
        _ => return Err("Statement needs exactly one of Action or NotAction".into()),
    };
    let resources = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(r), None) => Some((false, strings(r)?)),
        (None, Some(r)) => Some((true, strings(r)?)),
        (None, None) => None,
        _ => return Err("Statement has both Resource and NotResource".into()),
    };
    let principals = match obj.get("Principal") {
        None => None,
        Some(Value::String(s)) if s == "*" => Some(vec!["*".to_owned()]),
        Some(Value::Object(p)) => Some(match p.get("AWS") {
            Some(v) => strings(v)?,
            None => Vec::new(),
        }),
        Some(_) => return Err("Principal must be \"*\" or an object".into()),
    };
    let mut conditions = Vec::new();
    if let Some(c) = obj.get("Condition") {
        let ops = c.as_object().ok_or("Condition must be an object")?;
        for (op, keys) in ops {
            let keys = keys
                .as_object()
                .ok_or("Condition operator must map keys to values")?;
            for (key, values) in keys {
                conditions.push(Condition {
                    operator: op.clone(),
                    key: key.clone(),
                    values: strings(values)?,
                });
            }
        }
    }
    Ok(Statement {
        effect,
        actions,
        resources,
        principals,
        conditions,
    })
}

impl PolicyDoc {
    /// Parses a policy document; the error is IAM's `MalformedPolicyDocument` text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let v: Value =
            serde_json::from_str(text).map_err(|_| "Syntax errors in policy.".to_owned())?;
        let stmts = match v.get("Statement") {
            Some(Value::Array(a)) => a
                .iter()
                .map(parse_statement)
                .collect::<Result<Vec<_>, _>>()?,
            Some(s @ Value::Object(_)) => vec![parse_statement(s)?],
            _ => return Err("Policy document must contain a Statement.".into()),
        };
        Ok(Self { statements: stmts })
    }

    /// A policy allowing everything (customer admin).
    pub fn allow_all() -> Self {
        Self::parse(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
            .expect("static policy parses")
    }
}

fn matches_list((negated, patterns): &(bool, Vec<String>), value: &str, fold_case: bool) -> bool {
    patterns.iter().any(|p| glob_match(p, value, fold_case)) != *negated
}

fn condition_holds(c: &Condition, ctx: &Context) -> bool {
    let op = c.operator.strip_suffix("IfExists").unwrap_or(&c.operator);
    let Some(actual) = ctx.get(&c.key).or_else(|| {
        ctx.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&c.key))
            .map(|(_, v)| v)
    }) else {
        // A missing key satisfies only negated operators and `...IfExists`.
        return c.operator.ends_with("IfExists")
            || op.contains("Not")
            || (op == "Null" && c.values.iter().any(|v| v == "true"));
    };
    match op {
        "StringEquals" | "ArnEquals" => c.values.iter().any(|v| v == actual),
        "StringEqualsIgnoreCase" => c.values.iter().any(|v| v.eq_ignore_ascii_case(actual)),
        "StringNotEquals" | "ArnNotEquals" => c.values.iter().all(|v| v != actual),
        "StringLike" | "ArnLike" => c.values.iter().any(|v| glob_match(v, actual, false)),
        "StringNotLike" | "ArnNotLike" => c.values.iter().all(|v| !glob_match(v, actual, false)),
        "Null" => c.values.iter().any(|v| v == "false"),
        "Bool" => c.values.iter().any(|v| v.eq_ignore_ascii_case(actual)),
        _ => false,
    }
}

/// Evaluates identity policies for `action` on `resource`.
pub fn evaluate(docs: &[&PolicyDoc], action: &str, resource: &str, ctx: &Context) -> Decision {
    let mut allowed = false;
    for st in docs.iter().flat_map(|d| d.statements.iter()) {
        if !matches_list(&st.actions, action, true) {
            continue;
        }
        if let Some(r) = &st.resources
            && !matches_list(r, resource, false)
        {
            continue;
        }
        if !st.conditions.iter().all(|c| condition_holds(c, ctx)) {
            continue;
        }
        match st.effect {
            Effect::Deny => return Decision::ExplicitDeny,
            Effect::Allow => allowed = true,
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// True when a principal pattern of a trust policy names the caller.
///
/// `caller_arns` holds the caller's ARN and the ARNs that also identify it
/// (an assumed-role session is named by its role's ARN).
fn principal_matches(pattern: &str, caller_account: &str, caller_arns: &[String]) -> bool {
    if pattern == "*" {
        return true;
    }
    if pattern.len() == 12 && pattern.bytes().all(|b| b.is_ascii_digit()) {
        return pattern == caller_account;
    }
    if let Some(acct) = pattern
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.strip_suffix(":root"))
    {
        return acct == caller_account;
    }
    caller_arns.iter().any(|a| a == pattern)
}

/// Evaluates a role's trust policy for `sts:AssumeRole` by the caller.
pub fn trust_allows(
    doc: &PolicyDoc,
    caller_account: &str,
    caller_arns: &[String],
    ctx: &Context,
) -> bool {
    let mut allowed = false;
    for st in &doc.statements {
        if !matches_list(&st.actions, "sts:AssumeRole", true) {
            continue;
        }
        let named = st.principals.as_ref().is_some_and(|ps| {
            ps.iter()
                .any(|p| principal_matches(p, caller_account, caller_arns))
        });
        if !named || !st.conditions.iter().all(|c| condition_holds(c, ctx)) {
            continue;
        }
        match st.effect {
            Effect::Deny => return false,
            Effect::Allow => allowed = true,
        }
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> PolicyDoc {
        PolicyDoc::parse(s).expect("valid policy")
    }

    #[test]
    fn allow_with_wildcards_and_default_deny() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":["identitystore:List*"],"Resource":"*"}]}"#,
        );
        let ctx = Context::new();
        assert_eq!(
            evaluate(&[&d], "identitystore:ListUsers", "arn:x", &ctx),
            Decision::Allow
        );
        assert_eq!(
            evaluate(&[&d], "identitystore:DescribeUser", "arn:x", &ctx),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate(&[], "identitystore:ListUsers", "arn:x", &ctx),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn explicit_deny_wins_over_allow() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"identitystore:ListGroups","Resource":"*"}]}"#,
        );
        let ctx = Context::new();
        assert_eq!(
            evaluate(&[&d], "identitystore:ListGroups", "arn:x", &ctx),
            Decision::ExplicitDeny
        );
        assert_eq!(
            evaluate(&[&d], "identitystore:ListUsers", "arn:x", &ctx),
            Decision::Allow
        );
    }

    #[test]
    fn service_wildcard_and_not_action() {
        let d = doc(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#);
        let ctx = Context::new();
        assert_eq!(
            evaluate(&[&d], "identitystore:ListUsers", "r", &ctx),
            Decision::Allow
        );
        assert_eq!(
            evaluate(&[&d], "iam:CreateRole", "r", &ctx),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn resource_patterns_are_matched() {
        let d = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"identitystore:*","Resource":"arn:aws:identitystore::111122223333:identitystore/d-1*"}}"#,
        );
        let ctx = Context::new();
        assert_eq!(
            evaluate(
                &[&d],
                "identitystore:ListUsers",
                "arn:aws:identitystore::111122223333:identitystore/d-1234567890",
                &ctx
            ),
            Decision::Allow
        );
        assert_eq!(
            evaluate(
                &[&d],
                "identitystore:ListUsers",
                "arn:aws:identitystore::111122223333:identitystore/d-9234567890",
                &ctx
            ),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn kms_condition_with_string_like() {
        let d = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"identitystore.*.amazonaws.com"}}}}"#,
        );
        let mut ctx = Context::new();
        assert_eq!(
            evaluate(&[&d], "kms:Decrypt", "k", &ctx),
            Decision::ImplicitDeny
        );
        ctx.insert(
            "kms:ViaService".into(),
            "identitystore.us-east-1.amazonaws.com".into(),
        );
        assert_eq!(evaluate(&[&d], "kms:Decrypt", "k", &ctx), Decision::Allow);
    }

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/roster"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#;

    #[test]
    fn trust_requires_principal_and_external_id() {
        let d = doc(TRUST);
        let caller = vec!["arn:aws:iam::111111111111:user/roster".to_owned()];
        let mut ctx = Context::new();
        assert!(
            !trust_allows(&d, "111111111111", &caller, &ctx),
            "missing external id"
        );
        ctx.insert("sts:ExternalId".into(), "wrong".into());
        assert!(
            !trust_allows(&d, "111111111111", &caller, &ctx),
            "wrong external id"
        );
        ctx.insert("sts:ExternalId".into(), "abc".into());
        assert!(trust_allows(&d, "111111111111", &caller, &ctx));
        let other = vec!["arn:aws:iam::111111111111:user/other".to_owned()];
        assert!(
            !trust_allows(&d, "111111111111", &other, &ctx),
            "other principal"
        );
    }

    #[test]
    fn trust_by_account_root_or_id() {
        let root = doc(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}}"#,
        );
        let id = doc(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["222222222222"]},"Action":"sts:AssumeRole"}}"#,
        );
        let caller = vec!["arn:aws:iam::222222222222:user/x".to_owned()];
        let ctx = Context::new();
        assert!(trust_allows(&root, "222222222222", &caller, &ctx));
        assert!(trust_allows(&id, "222222222222", &caller, &ctx));
        assert!(!trust_allows(&id, "333333333333", &caller, &ctx));
    }

    #[test]
    fn malformed_documents_are_rejected() {
        assert!(PolicyDoc::parse("{").is_err());
        assert!(PolicyDoc::parse(r#"{"Statement":[{"Effect":"Maybe","Action":"*"}]}"#).is_err());
    }
}
