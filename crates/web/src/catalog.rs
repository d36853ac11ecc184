//! The source catalog: what can be connected, as cards.

use serde::Serialize;

/// One card of the Sources page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogEntry {
    /// Stable identifier, used when creating a connection.
    pub kind: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub authentication: &'static str,
    pub description: &'static str,
    /// `false`: shown as "coming soon", cannot be turned on.
    pub available: bool,
}

pub const IDENTITY_STORE: &str = "aws-identity-store";
/// The SSO source: a connection that also collects access (permission
/// sets, account assignments, accounts), joined with its directory.
pub const SSO: &str = "aws-sso";

pub const CATALOG: [CatalogEntry; 2] = [
    CatalogEntry {
        kind: IDENTITY_STORE,
        name: "AWS IAM Identity Center (Identity Store)",
        category: "Identity",
        authentication: "Cross-account IAM role",
        description: "Reads users, groups and group memberships through the identitystore: API, the directory layer behind IAM Identity Center.",
        available: true,
    },
    CatalogEntry {
        kind: SSO,
        name: "AWS IAM Identity Center (SSO)",
        category: "Identity / access governance",
        authentication: "Cross-account IAM role",
        description: "Permission sets, account assignments, instances and applications through the sso: API: who can reach which AWS account, with which permissions.",
        available: true,
    },
];

/// Cards matching a category (exact) and a search (name or description, any case).
pub fn filter(category: Option<&str>, query: Option<&str>) -> Vec<&'static CatalogEntry> {
    let q = query.unwrap_or("").trim().to_lowercase();
    CATALOG
        .iter()
        .filter(|e| category.is_none_or(|c| c.is_empty() || e.category == c))
        .filter(|e| {
            q.is_empty()
                || e.name.to_lowercase().contains(&q)
                || e.description.to_lowercase().contains(&q)
        })
        .collect()
}

pub fn categories() -> Vec<&'static str> {
    let mut c: Vec<_> = CATALOG.iter().map(|e| e.category).collect();
    c.dedup();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_name_or_description_and_category_filters() {
        assert_eq!(filter(None, Some("identity store")).len(), 1);
        assert_eq!(filter(None, Some("PERMISSION SETS"))[0].kind, "aws-sso");
        assert_eq!(filter(Some("Identity"), None).len(), 1);
        assert_eq!(filter(None, None).len(), 2);
        assert!(filter(None, Some("okta")).is_empty());
    }

    #[test]
    fn both_identity_center_sources_can_be_turned_on() {
        assert!(CATALOG.iter().all(|e| e.available));
        assert_eq!(filter(None, Some("which aws account"))[0].kind, SSO);
    }
}
