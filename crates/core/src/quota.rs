//! The quota floor: the least wall time any sync of a directory can take
//! when each Identity Store list API is limited to a number of requests per second.

/// Items per page: the Identity Store maximum for `MaxResults`.
pub const PAGE_SIZE: u64 = 100;

/// AWS's default quota: requests per second per Identity Store API per instance.
pub const DEFAULT_TPS: f64 = 20.0;

/// Requests per second per API a source may be given, for instances whose
/// quota AWS raised (AWS raises it on request; 1000 is far beyond any grant).
pub const API_TPS: std::ops::RangeInclusive<u32> = 1..=1_000;

/// Hours between scheduled syncs a customer may choose: an hour to 30 days
/// (default one day).
pub const SYNC_INTERVAL_HOURS: std::ops::RangeInclusive<u32> = 1..=720;

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

    /// `max over APIs of calls / tps`, in seconds.
    pub fn floor_seconds(&self, tps: f64) -> f64 {
        let busiest = self
            .list_users
            .max(self.list_groups)
            .max(self.list_group_memberships);
        #[allow(clippy::cast_precision_loss)]
        let busiest = busiest as f64;
        busiest / tps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_still_cost_one_call() {
        assert_eq!(calls_for(0), 1);
        assert_eq!(calls_for(100), 1);
        assert_eq!(calls_for(101), 2);
    }

    #[test]
    fn floor_is_set_by_the_busiest_api() {
        let plan = CallPlan::for_directory(20_000, 2_000, std::iter::repeat_n(50, 2_000));
        assert_eq!(
            plan,
            CallPlan {
                list_users: 200,
                list_groups: 20,
                list_group_memberships: 2_000
            }
        );
        assert!((plan.floor_seconds(20.0) - 100.0).abs() < 1e-9);
        assert!((plan.floor_seconds(200.0) - 10.0).abs() < 1e-9);
    }
}
