//! The quota floor: the least wall time any sync of a directory can take
//! within the share of the instance's Identity Store quota roster may use
//! (the quota model and the budget, set per source).

/// Items per page: the Identity Store maximum for `MaxResults`.
pub const PAGE_SIZE: u64 = 100;

/// AWS's default quota: requests per second per Identity Store instance (per
/// API or for all of them, as the quota model says).
pub const DEFAULT_TPS: f64 = 20.0;

/// Requests per second a source may be given, for instances whose
/// quota AWS raised (AWS raises it on request; 1000 is far beyond any grant).
pub const API_TPS: std::ops::RangeInclusive<u32> = 1..=1_000;

/// Hours between scheduled syncs a customer may choose: an hour to 30 days
/// (default one day).
pub const SYNC_INTERVAL_HOURS: std::ops::RangeInclusive<u32> = 1..=720;

/// The share of the quota roster uses by default: half, leaving the other
/// half to the customer's own SCIM provisioning and scripts.
pub const DEFAULT_BUDGET: f64 = 0.5;

/// How AWS counts the Identity Store quota of an instance. AWS does not
/// document which holds, so it is a setting per source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaModel {
    /// Each list API has its own bucket of `tps` requests per second.
    PerApi,
    /// One bucket of `tps` requests per second for `ListUsers`, `ListGroups`
    /// and `ListGroupMemberships` together (the default until measured).
    #[default]
    Collective,
}

impl QuotaModel {
    pub const ALL: [Self; 2] = [Self::Collective, Self::PerApi];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PerApi => "per-api",
            Self::Collective => "collective",
        }
    }

    /// `per-api` or `collective`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl std::fmt::Display for QuotaModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for QuotaModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown quota model {s:?}: per-api or collective"))
    }
}

/// Whether `budget` is a usable fraction of the quota: in (0, 1].
pub fn budget_is_valid(budget: f64) -> bool {
    budget.is_finite() && budget > 0.0 && budget <= 1.0
}

/// The quota roster reads within: the instance's rate, how AWS counts it,
/// and the fraction roster may use.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuotaUse {
    /// Requests per second of the quota (per API or collective).
    pub tps: f64,
    pub model: QuotaModel,
    /// Fraction of `tps` roster uses, in (0, 1].
    pub budget: f64,
}

impl Default for QuotaUse {
    fn default() -> Self {
        Self {
            tps: DEFAULT_TPS,
            model: QuotaModel::Collective,
            budget: DEFAULT_BUDGET,
        }
    }
}

impl QuotaUse {
    /// The requests per second roster allows itself per bucket: `tps × budget`.
    pub fn rate(&self) -> f64 {
        self.tps * self.budget
    }
}

/// Calls needed to list `items` items (an empty list still takes one call).
pub fn calls_for(items: u64) -> u64 {
    items.div_ceil(PAGE_SIZE).max(1)
}

/// Calls each list API needs for a directory of this shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallPlan {
    pub list_users: u64,
    pub list_groups: u64,
    pub list_group_memberships: u64,
}

impl CallPlan {
    /// `group_sizes` yields the member count of every group.
    pub fn for_directory(
        users: u64,
        groups: u64,
        group_sizes: impl IntoIterator<Item = u64>,
    ) -> Self {
        Self {
            list_users: calls_for(users),
            list_groups: calls_for(groups),
            list_group_memberships: group_sizes.into_iter().map(calls_for).sum(),
        }
    }

    /// Calls of all three APIs together.
    pub fn total(&self) -> u64 {
        self.list_users + self.list_groups + self.list_group_memberships
    }

    /// The floor in seconds: `calls / (tps × budget)` for `collective`,
    /// `max over APIs of calls_a / (tps × budget)` for `per-api`.
    pub fn floor_seconds(&self, quota: &QuotaUse) -> f64 {
        let calls = match quota.model {
            QuotaModel::Collective => self.total(),
            QuotaModel::PerApi => self
                .list_users
                .max(self.list_groups)
                .max(self.list_group_memberships),
        };
        #[allow(clippy::cast_precision_loss)]
        let calls = calls as f64;
        calls / quota.rate()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn quota(tps: f64, model: QuotaModel, budget: f64) -> QuotaUse {
        QuotaUse { tps, model, budget }
    }

    #[test]
    fn empty_lists_still_cost_one_call() {
        assert_eq!(calls_for(0), 1);
        assert_eq!(calls_for(100), 1);
        assert_eq!(calls_for(101), 2);
        let empty = CallPlan::for_directory(0, 0, std::iter::empty());
        assert_eq!(
            (
                empty.list_users,
                empty.list_groups,
                empty.list_group_memberships
            ),
            (1, 1, 0)
        );
    }

    #[test]
    fn per_api_floor_is_set_by_the_busiest_api() {
        let plan = CallPlan::for_directory(20_000, 2_000, std::iter::repeat_n(50, 2_000));
        assert_eq!(
            plan,
            CallPlan {
                list_users: 200,
                list_groups: 20,
                list_group_memberships: 2_000
            }
        );
        let per_api = |tps, budget| plan.floor_seconds(&quota(tps, QuotaModel::PerApi, budget));
        assert!((per_api(20.0, 1.0) - 100.0).abs() < 1e-9);
        assert!((per_api(200.0, 1.0) - 10.0).abs() < 1e-9);
        assert!((per_api(20.0, 0.5) - 200.0).abs() < 1e-9);
    }

    #[test]
    fn collective_floor_counts_every_call() {
        // 20k users, 2k groups, 100k memberships (50 per group).
        let plan = CallPlan::for_directory(20_000, 2_000, std::iter::repeat_n(50, 2_000));
        assert_eq!(plan.total(), 2_220);
        let floor = plan.floor_seconds(&QuotaUse::default());
        assert!(
            (floor - 222.0).abs() < 1e-9,
            "2220 calls at 20 x 0.5 per second: {floor}"
        );
        let floor = plan.floor_seconds(&quota(20.0, QuotaModel::Collective, 1.0));
        assert!((floor - 111.0).abs() < 1e-9);
    }

    #[test]
    fn defaults_are_collective_at_half_the_quota() {
        let q = QuotaUse::default();
        assert_eq!(q.model, QuotaModel::Collective);
        assert!((q.rate() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn models_and_budgets_parse_strictly() {
        assert_eq!(QuotaModel::parse("per-api"), Some(QuotaModel::PerApi));
        assert_eq!(
            QuotaModel::parse("collective"),
            Some(QuotaModel::Collective)
        );
        assert_eq!(QuotaModel::parse("Collective"), None);
        assert_eq!(QuotaModel::parse("per_api"), None);
        for ok in [1.0, 0.5, 0.01] {
            assert!(budget_is_valid(ok), "{ok}");
        }
        for bad in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(!budget_is_valid(bad), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn floors_follow_the_formulas(
            users in 0u64..300_000,
            groups in proptest::collection::vec(0u64..5_000, 0..50),
            tps in 1u32..1_000,
            budget_pct in 1u32..=100,
        ) {
            let plan = CallPlan::for_directory(users, groups.len() as u64, groups.iter().copied());
            let budget = f64::from(budget_pct) / 100.0;
            let rate = f64::from(tps) * budget;
            prop_assert_eq!(plan.list_users, users.div_ceil(100).max(1));
            prop_assert_eq!(plan.list_groups, (groups.len() as u64).div_ceil(100).max(1));
            prop_assert_eq!(plan.list_group_memberships, groups.iter().map(|m| m.div_ceil(100).max(1)).sum::<u64>());
            let collective = plan.floor_seconds(&quota(f64::from(tps), QuotaModel::Collective, budget));
            let per_api = plan.floor_seconds(&quota(f64::from(tps), QuotaModel::PerApi, budget));
            #[allow(clippy::cast_precision_loss)]
            let total = plan.total() as f64;
            prop_assert!((collective - total / rate).abs() < 1e-6 * collective.max(1.0));
            // The shared bucket is never faster than separate ones, and at
            // most three times slower (three APIs).
            prop_assert!(collective + 1e-9 >= per_api);
            prop_assert!(collective <= 3.0 * per_api + 1e-9);
            // Half the budget, twice the floor.
            let halved = plan.floor_seconds(&quota(f64::from(tps), QuotaModel::Collective, budget / 2.0));
            prop_assert!((halved - 2.0 * collective).abs() < 1e-6 * halved.max(1.0));
        }
    }
}
