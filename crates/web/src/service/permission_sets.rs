//! Permission sets of a source's latest access snapshot: the list (by name,
//! keyset pages) and one permission set by ARN or by its own ID (`ps-…`) —
//! a path segment cannot hold an ARN's `/` unencoded, so the console links
//! by ID and the API takes either (an ARN percent-encoded) — with its
//! policies, the inline policy formatted, why it is privileged and the
//! accounts it is provisioned to.

use std::collections::HashMap;

use roster_core::sso::privileged::privileges;
use roster_core::sso::{Account, Privilege};
use roster_store::{Snapshot, StoredPermissionSet};
use serde_json::Value;

use super::directory::{MAX_LIMIT, Paged};
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// The keyset cursor of a permission set in the list: name, then ARN.
fn cursor(p: &StoredPermissionSet) -> String {
    let ps = &p.facts.permission_set;
    format!("{}\u{1f}{}", ps.name, ps.permission_set_arn)
}

/// A page of permission sets (by name, then ARN), those whose name or
/// description contain `q` (any case); `privileged_only` keeps the
/// privileged ones.
pub async fn list(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    q: Option<&str>,
    privileged_only: bool,
    after: Option<&str>,
    n: u32,
) -> Result<Paged<StoredPermissionSet>, WebError> {
    let n = n.clamp(1, MAX_LIMIT) as usize;
    let needle = q
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let after = after.filter(|s| !s.is_empty());
    let mut all = state.store.permission_sets(who.tenant(), snap).await?;
    all.sort_by_key(cursor);
    let matches = |p: &StoredPermissionSet| {
        let ps = &p.facts.permission_set;
        (!privileged_only || p.privileged)
            && needle.as_ref().is_none_or(|q| {
                ps.name.to_lowercase().contains(q)
                    || ps
                        .description
                        .as_deref()
                        .is_some_and(|d| d.to_lowercase().contains(q))
            })
    };
    let mut items: Vec<StoredPermissionSet> = all
        .into_iter()
        .filter(|p| after.is_none_or(|a| cursor(p).as_str() > a) && matches(p))
        .take(n + 1)
        .collect();
    let more = items.len() > n;
    items.truncate(n);
    let next = if more { items.last().map(cursor) } else { None };
    Ok((items, next))
}

/// One permission set with what its page and the API show besides its facts.
#[derive(Debug, Clone)]
pub struct PermissionSetDetail {
    pub stored: StoredPermissionSet,
    /// Why it is privileged under the source's current settings.
    pub reasons: Vec<Privilege>,
    /// The accounts it is provisioned to, with names where known.
    pub accounts: Vec<Account>,
    /// The inline policy indented (as AWS returned it when it is not JSON).
    pub inline_formatted: Option<String>,
}

/// Which permission set `key` names: an ARN or a `ps-` ID, else 400.
fn check_key(key: &str) -> Result<(), WebError> {
    let ok = key.len() <= 2048
        && (key.starts_with("arn:") || key.starts_with("ps-"))
        && !key.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(WebError::bad_request(
            "invalid-permission-set",
            "name a permission set by its ARN (percent-encoded in a path) or its ID (ps-…)",
        ))
    }
}

/// The inline policy indented two spaces, keys in the order AWS returned
/// them and every value as written; the text as AWS returned it when it is
/// not JSON.
pub fn format_inline(text: &str) -> String {
    if serde_json::from_str::<Value>(text).is_err() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|n| matches!(n, '}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The permission set named by its ARN or ID (404 when the snapshot has none).
pub async fn get(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    key: &str,
) -> Result<PermissionSetDetail, WebError> {
    check_key(key)?;
    let stored = state
        .store
        .permission_sets(who.tenant(), snap)
        .await?
        .into_iter()
        .find(|p| {
            let arn = &p.facts.permission_set.permission_set_arn;
            arn.as_str() == key || arn.id() == key
        })
        .ok_or_else(|| WebError::NotFound("permission set".into()))?;
    let settings = state
        .store
        .access_settings(who.tenant(), &snap.source_id)
        .await?;
    let reasons = privileges(
        &stored.facts.permission_set,
        &stored.facts.policies,
        &settings.privileged_patterns,
    );
    let names: HashMap<String, Account> = state
        .store
        .accounts(who.tenant(), snap)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a))
        .collect();
    let mut accounts: Vec<Account> = stored
        .provisioned_accounts
        .iter()
        .map(|id| {
            names.get(id.as_str()).cloned().unwrap_or(Account {
                id: id.clone(),
                name: None,
                email: None,
                status: None,
            })
        })
        .collect();
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    let inline_formatted = stored
        .facts
        .policies
        .inline_policy
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(format_inline);
    Ok(PermissionSetDetail {
        stored,
        reasons,
        accounts,
        inline_formatted,
    })
}

#[cfg(test)]
mod tests {
    use super::format_inline;

    #[test]
    fn inline_policies_are_indented_in_their_own_key_order() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"a , b: {c}","Effect":"Allow","Action":["s3:*"],"Resource":"\"*\"","Condition":{}}]}"#;
        assert_eq!(
            format_inline(text),
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"a , b: {c}\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"s3:*\"\n      ],\n      \"Resource\": \"\\\"*\\\"\",\n      \"Condition\": {}\n    }\n  ]\n}"
        );
        let formatted = format_inline(text);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&formatted).unwrap(),
            serde_json::from_str::<serde_json::Value>(text).unwrap(),
            "the same document"
        );
        assert_eq!(format_inline("not json {"), "not json {");
        assert_eq!(format_inline(" [ ] "), "[]");
    }
}
