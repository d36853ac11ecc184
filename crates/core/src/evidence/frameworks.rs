//! The check catalog (stable IDs, titles) and its mapping to controls of
//! SOC 2 (2017 TSC), ISO/IEC 27001:2022 Annex A and NIST SP 800-53 r5, both
//! ways. Pure data.

use serde::Serialize;

/// A control of a framework, e.g. SOC 2 `CC6.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Control {
    /// Short key of the framework: `soc2`, `iso27001`, `nist-800-53`.
    pub framework: &'static str,
    /// The control's identifier within its framework.
    pub id: &'static str,
    pub title: &'static str,
}

impl Control {
    /// `framework:id`, e.g. `soc2:CC6.1`: how checks refer to controls.
    pub fn key(&self) -> String {
        format!("{}:{}", self.framework, self.id)
    }
}

/// A framework's display name by its short key.
pub fn framework_name(key: &str) -> &'static str {
    match key {
        "soc2" => "SOC 2 (2017 TSC)",
        "iso27001" => "ISO/IEC 27001:2022 Annex A",
        "nist-800-53" => "NIST SP 800-53 r5",
        _ => "unknown framework",
    }
}

pub const CONTROLS: &[Control] = &[
    Control {
        framework: "soc2",
        id: "CC6.1",
        title: "Logical access security software, infrastructure and architectures",
    },
    Control {
        framework: "soc2",
        id: "CC6.2",
        title: "Registration and authorization of users; removal when access is no longer authorized",
    },
    Control {
        framework: "soc2",
        id: "CC6.3",
        title: "Authorizes, modifies or removes access based on roles and least privilege",
    },
    Control {
        framework: "iso27001",
        id: "A.5.15",
        title: "Access control",
    },
    Control {
        framework: "iso27001",
        id: "A.5.16",
        title: "Identity management",
    },
    Control {
        framework: "iso27001",
        id: "A.5.18",
        title: "Access rights",
    },
    Control {
        framework: "iso27001",
        id: "A.8.2",
        title: "Privileged access rights",
    },
    Control {
        framework: "nist-800-53",
        id: "AC-2",
        title: "Account management",
    },
];

/// A check of the catalog and the controls (keys) it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckDef {
    pub id: &'static str,
    pub title: &'static str,
    pub controls: &'static [&'static str],
}

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "IDS-01",
        title: "Every user comes from the external IdP (has ExternalIds), unless exempted",
        controls: &[
            "soc2:CC6.1",
            "soc2:CC6.2",
            "iso27001:A.5.16",
            "nist-800-53:AC-2",
        ],
    },
    CheckDef {
        id: "IDS-02",
        title: "Every user has a primary email",
        controls: &["soc2:CC6.2", "iso27001:A.5.16", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "IDS-03",
        title: "No two users share a user name or email (case-insensitive)",
        controls: &["soc2:CC6.1", "iso27001:A.5.16", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "IDS-04",
        title: "Disabled users hold no group memberships",
        controls: &[
            "soc2:CC6.2",
            "soc2:CC6.3",
            "iso27001:A.5.18",
            "nist-800-53:AC-2",
        ],
    },
    CheckDef {
        id: "IDS-05",
        title: "No empty groups",
        controls: &["soc2:CC6.3", "iso27001:A.5.15", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "IDS-06",
        title: "Every user is in at least one group",
        controls: &["soc2:CC6.3", "iso27001:A.5.18", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "IDS-07",
        title: "Membership changes of privileged groups since the previous snapshot, for review",
        controls: &[
            "soc2:CC6.1",
            "soc2:CC6.3",
            "iso27001:A.8.2",
            "iso27001:A.5.18",
            "nist-800-53:AC-2",
        ],
    },
    CheckDef {
        id: "IDS-08",
        title: "The source synced successfully within its freshness window",
        controls: &["soc2:CC6.1", "iso27001:A.5.15", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "IDS-09",
        title: "HR reconciliation: every active user is an active employee and vice versa",
        controls: &[
            "soc2:CC6.2",
            "soc2:CC6.3",
            "iso27001:A.5.16",
            "iso27001:A.5.18",
            "nist-800-53:AC-2",
        ],
    },
];

/// Controls only the access checks (`ACC-`) support. Kept apart from
/// [`CONTROLS`] so the Identity Store's pages, API and report, and evidence
/// re-exported from old snapshots, keep their bytes until the SSO source
/// shows them.
pub const ACCESS_CONTROLS: &[Control] = &[Control {
    framework: "nist-800-53",
    id: "AC-6",
    title: "Least privilege",
}];

/// The SSO source's checks (who can reach which account), apart from [`CHECKS`] for the same reason.
pub const ACCESS_CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "ACC-01",
        title: "Administrator-level permission sets and who holds them, per account",
        controls: &[
            "soc2:CC6.1",
            "soc2:CC6.3",
            "iso27001:A.8.2",
            "nist-800-53:AC-2",
            "nist-800-53:AC-6",
        ],
    },
    CheckDef {
        id: "ACC-02",
        title: "Users are assigned to accounts through groups, not directly",
        controls: &[
            "soc2:CC6.2",
            "soc2:CC6.3",
            "iso27001:A.5.15",
            "iso27001:A.5.18",
            "nist-800-53:AC-2",
        ],
    },
    CheckDef {
        id: "ACC-03",
        title: "No account assignments to disabled users or to principals that no longer exist",
        controls: &["soc2:CC6.2", "iso27001:A.5.18", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "ACC-04",
        title: "Permission set session durations within the configured maximum",
        controls: &["soc2:CC6.1", "iso27001:A.5.15", "nist-800-53:AC-2"],
    },
    CheckDef {
        id: "ACC-05",
        title: "Permission sets have a permissions boundary where one is required",
        controls: &[
            "soc2:CC6.3",
            "iso27001:A.8.2",
            "nist-800-53:AC-2",
            "nist-800-53:AC-6",
        ],
    },
    CheckDef {
        id: "ACC-06",
        title: "Changes to privileged access since the previous snapshot, for review",
        controls: &[
            "soc2:CC6.1",
            "soc2:CC6.2",
            "soc2:CC6.3",
            "iso27001:A.5.18",
            "iso27001:A.8.2",
            "nist-800-53:AC-2",
            "nist-800-53:AC-6",
        ],
    },
];

/// The catalog entry of a check ID, Identity Store or access.
pub fn check(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().chain(ACCESS_CHECKS).find(|c| c.id == id)
}

/// The control of a `framework:id` key.
pub fn control(key: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .chain(ACCESS_CONTROLS)
        .find(|c| c.key() == key)
}

/// Every control, the Identity Store's then the access checks' own.
pub fn all_controls() -> impl Iterator<Item = &'static Control> {
    CONTROLS.iter().chain(ACCESS_CONTROLS)
}

/// Every check of both sources, in catalog order.
pub fn all_checks() -> impl Iterator<Item = &'static CheckDef> {
    CHECKS.iter().chain(ACCESS_CHECKS)
}

/// Checks of both sources that support a control (`framework:id`).
pub fn all_checks_for(control_key: &str) -> Vec<&'static CheckDef> {
    all_checks()
        .filter(|c| c.controls.contains(&control_key))
        .collect()
}

/// Controls a check supports, in catalog order.
pub fn controls_for(check_id: &str) -> Vec<&'static Control> {
    check(check_id)
        .map(|c| c.controls.iter().filter_map(|k| control(k)).collect())
        .unwrap_or_default()
}

/// Checks that support a control (`framework:id`), in catalog order.
pub fn checks_for(control_key: &str) -> Vec<&'static CheckDef> {
    CHECKS
        .iter()
        .filter(|c| c.controls.contains(&control_key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_maps_to_known_controls_and_every_control_has_a_check() {
        for c in CHECKS {
            assert_eq!(controls_for(c.id).len(), c.controls.len(), "{}", c.id);
        }
        for ctl in CONTROLS {
            assert!(!checks_for(&ctl.key()).is_empty(), "{}", ctl.key());
        }
    }

    #[test]
    fn access_checks_map_to_known_controls_without_touching_the_identity_store_tables() {
        for c in ACCESS_CHECKS {
            assert!(c.id.starts_with("ACC-"));
            assert_eq!(controls_for(c.id).len(), c.controls.len(), "{}", c.id);
        }
        for ctl in all_controls() {
            assert!(!all_checks_for(&ctl.key()).is_empty(), "{}", ctl.key());
        }
        assert_eq!(
            control("nist-800-53:AC-6").map(|c| c.title),
            Some("Least privilege")
        );
        assert!(CONTROLS.iter().all(|c| c.id != "AC-6"));
        assert!(CHECKS.iter().all(|c| c.id.starts_with("IDS-")));
        assert!(checks_for("nist-800-53:AC-6").is_empty());
        assert_eq!(all_checks_for("nist-800-53:AC-6").len(), 3);
        assert_eq!(all_checks().count(), CHECKS.len() + ACCESS_CHECKS.len());
    }

    #[test]
    fn the_mapping_reads_both_ways() {
        assert!(
            checks_for("iso27001:A.8.2")
                .iter()
                .any(|c| c.id == "IDS-07")
        );
        assert!(controls_for("IDS-07").iter().any(|c| c.id == "A.8.2"));
        assert_eq!(checks_for("nist-800-53:AC-2").len(), CHECKS.len());
        assert_eq!(framework_name("soc2"), "SOC 2 (2017 TSC)");
    }
}
