//! One Identity Store's contents: compact slots (generated entities cost no
//! memory until written), memberships indexed by group and by user, and
//! position-based paging so every request is O(page).

pub mod generate;
pub mod ids;
pub mod model;

use std::borrow::Cow;

use serde_json::{Map, Value};

use generate::Generator;
use model::{GroupRecord, Slot, UserRecord};

/// A page of slot indexes plus the position to continue from, if any.
pub type Page = (Vec<u32>, Option<usize>);

#[derive(Debug)]
pub struct Directory {
    key: u64,
    generator: Generator,
    users: Vec<Option<Slot<UserRecord>>>,
    groups: Vec<Option<Slot<GroupRecord>>>,
    memberships: Vec<Option<(u32, u32)>>,
    by_group: Vec<Vec<u32>>,
    by_user: Vec<Vec<u32>>,
    live: [usize; 3],
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("directory slots fit in u32")
}

impl Directory {
    /// Builds the generated directory `generator` describes; `key` scopes its IDs.
    pub fn generate(key: u64, generator: Generator) -> Self {
        let ms = generator.memberships();
        let mut by_group = vec![Vec::new(); generator.groups as usize];
        let mut by_user = vec![Vec::new(); generator.users as usize];
        for (i, (g, u)) in ms.iter().enumerate() {
            by_group[*g as usize].push(to_u32(i));
            by_user[*u as usize].push(to_u32(i));
        }
        let live = [
            generator.users as usize,
            generator.groups as usize,
            ms.len(),
        ];
        Self {
            key,
            generator,
            users: (0..generator.users)
                .map(|_| Some(Slot::Generated))
                .collect(),
            groups: (0..generator.groups)
                .map(|_| Some(Slot::Generated))
                .collect(),
            memberships: ms.into_iter().map(Some).collect(),
            by_group,
            by_user,
            live,
        }
    }

    /// Live `(users, groups, memberships)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.live[0], self.live[1], self.live[2])
    }

    pub fn user_id(&self, idx: u32) -> String {
        ids::make(self.key, ids::USER, idx)
    }
    pub fn group_id(&self, idx: u32) -> String {
        ids::make(self.key, ids::GROUP, idx)
    }
    pub fn membership_id(&self, idx: u32) -> String {
        ids::make(self.key, ids::MEMBERSHIP, idx)
    }

    /// The live user slot an ID names.
    pub fn find_user(&self, id: &str) -> Option<u32> {
        ids::parse(self.key, ids::USER, id)
            .filter(|&i| self.users.get(i as usize).is_some_and(Option::is_some))
    }
    pub fn find_group(&self, id: &str) -> Option<u32> {
        ids::parse(self.key, ids::GROUP, id)
            .filter(|&i| self.groups.get(i as usize).is_some_and(Option::is_some))
    }
    pub fn find_membership(&self, id: &str) -> Option<u32> {
        ids::parse(self.key, ids::MEMBERSHIP, id).filter(|&i| {
            self.memberships
                .get(i as usize)
                .is_some_and(Option::is_some)
        })
    }

    pub fn user(&self, idx: u32) -> Option<Cow<'_, UserRecord>> {
        match self.users.get(idx as usize)? {
            Some(Slot::Generated) => Some(Cow::Owned(self.generator.user(idx))),
            Some(Slot::Custom(u)) => Some(Cow::Borrowed(u)),
            None => None,
        }
    }

    pub fn group(&self, idx: u32) -> Option<Cow<'_, GroupRecord>> {
        match self.groups.get(idx as usize)? {
            Some(Slot::Generated) => Some(Cow::Owned(self.generator.group(idx))),
            Some(Slot::Custom(g)) => Some(Cow::Borrowed(g)),
            None => None,
        }
    }

    pub fn membership(&self, idx: u32) -> Option<(u32, u32)> {
        *self.memberships.get(idx as usize)?
    }

    fn user_name(&self, idx: u32) -> Option<String> {
        match self.users.get(idx as usize)? {
            Some(Slot::Generated) => Some(self.generator.user_name(idx)),
            Some(Slot::Custom(u)) => u.user_name().map(str::to_owned),
            None => None,
        }
    }

    fn group_name(&self, idx: u32) -> Option<String> {
        match self.groups.get(idx as usize)? {
            Some(Slot::Generated) => Some(self.generator.group_name(idx)),
            Some(Slot::Custom(g)) => g.display_name().map(str::to_owned),
            None => None,
        }
    }

    /// A page of live users from `pos`; `name` filters by `UserName` (case-insensitive).
    pub fn users_page(&self, pos: usize, limit: usize, name: Option<&str>) -> Page {
        scan(self.users.len(), pos, limit, |i| match name {
            None => self.users[i].is_some(),
            Some(n) => self
                .user_name(to_u32(i))
                .is_some_and(|u| u.eq_ignore_ascii_case(n)),
        })
    }

    /// A page of live groups from `pos`; `name` filters by `DisplayName`.
    pub fn groups_page(&self, pos: usize, limit: usize, name: Option<&str>) -> Page {
        scan(self.groups.len(), pos, limit, |i| match name {
            None => self.groups[i].is_some(),
            Some(n) => self
                .group_name(to_u32(i))
                .is_some_and(|g| g.eq_ignore_ascii_case(n)),
        })
    }

    /// A page of membership slots of group `g`, in insertion order.
    pub fn group_members_page(&self, g: u32, pos: usize, limit: usize) -> Page {
        slice_page(&self.by_group[g as usize], pos, limit)
    }

    /// A page of membership slots of user `u`.
    pub fn user_memberships_page(&self, u: u32, pos: usize, limit: usize) -> Page {
        slice_page(&self.by_user[u as usize], pos, limit)
    }

    /// The first live user matching `pred` (a full scan: for rare lookups only).
    pub fn find_user_by(&self, pred: impl Fn(&UserRecord) -> bool) -> Option<u32> {
        (0..to_u32(self.users.len())).find(|&i| self.user(i).is_some_and(|u| pred(&u)))
    }

    /// The first live group matching `pred` (a full scan).
    pub fn find_group_by(&self, pred: impl Fn(&GroupRecord) -> bool) -> Option<u32> {
        (0..to_u32(self.groups.len())).find(|&i| self.group(i).is_some_and(|g| pred(&g)))
    }

    pub fn user_name_taken(&self, name: &str) -> bool {
        !self.users_page(0, 1, Some(name)).0.is_empty()
    }

    pub fn group_name_taken(&self, name: &str) -> bool {
        !self.groups_page(0, 1, Some(name)).0.is_empty()
    }

    pub fn add_user(&mut self, attrs: Map<String, Value>, now: u64) -> u32 {
        self.users.push(Some(Slot::Custom(Box::new(UserRecord {
            attrs,
            enabled: true,
            created_at: now,
            updated_at: now,
        }))));
        self.by_user.push(Vec::new());
        self.live[0] += 1;
        to_u32(self.users.len() - 1)
    }

    /// Mutable access to a user, materialising a generated one first.
    pub fn user_mut(&mut self, idx: u32) -> Option<&mut UserRecord> {
        let generated = self.generator.user(idx);
        let slot = self.users.get_mut(idx as usize)?.as_mut()?;
        if matches!(slot, Slot::Generated) {
            *slot = Slot::Custom(Box::new(generated));
        }
        match slot {
            Slot::Custom(u) => Some(u),
            Slot::Generated => None,
        }
    }

    pub fn add_group(&mut self, attrs: Map<String, Value>, now: u64) -> u32 {
        self.groups.push(Some(Slot::Custom(Box::new(GroupRecord {
            attrs,
            created_at: now,
            updated_at: now,
        }))));
        self.by_group.push(Vec::new());
        self.live[1] += 1;
        to_u32(self.groups.len() - 1)
    }

    /// Replaces a group's attributes (materialising a generated group).
    pub fn set_group_attrs(&mut self, g: u32, attrs: Map<String, Value>, now: u64) {
        let created_at = self.group(g).map_or(now, |x| x.created_at);
        if let Some(slot) = self.groups.get_mut(g as usize).and_then(Option::as_mut) {
            *slot = Slot::Custom(Box::new(GroupRecord {
                attrs,
                created_at,
                updated_at: now,
            }));
        }
    }

    /// The membership slot of `(g, u)`, if the user is in the group.
    pub fn membership_of(&self, g: u32, u: u32) -> Option<u32> {
        let (a, b) = (&self.by_group[g as usize], &self.by_user[u as usize]);
        if a.len() <= b.len() {
            a.iter()
                .copied()
                .find(|&m| self.memberships[m as usize].is_some_and(|x| x.1 == u))
        } else {
            b.iter()
                .copied()
                .find(|&m| self.memberships[m as usize].is_some_and(|x| x.0 == g))
        }
    }

    pub fn add_membership(&mut self, g: u32, u: u32) -> u32 {
        self.memberships.push(Some((g, u)));
        let m = to_u32(self.memberships.len() - 1);
        self.by_group[g as usize].push(m);
        self.by_user[u as usize].push(m);
        self.live[2] += 1;
        m
    }

    pub fn remove_membership(&mut self, m: u32) -> bool {
        let Some((g, u)) = self.memberships.get_mut(m as usize).and_then(Option::take) else {
            return false;
        };
        self.by_group[g as usize].retain(|&x| x != m);
        self.by_user[u as usize].retain(|&x| x != m);
        self.live[2] -= 1;
        true
    }

    /// Deletes a user and its memberships.
    pub fn remove_user(&mut self, u: u32) -> bool {
        if self
            .users
            .get_mut(u as usize)
            .and_then(Option::take)
            .is_none()
        {
            return false;
        }
        for m in std::mem::take(&mut self.by_user[u as usize]) {
            self.remove_membership(m);
        }
        self.live[0] -= 1;
        true
    }

    /// Deletes a group and its memberships.
    pub fn remove_group(&mut self, g: u32) -> bool {
        if self
            .groups
            .get_mut(g as usize)
            .and_then(Option::take)
            .is_none()
        {
            return false;
        }
        for m in std::mem::take(&mut self.by_group[g as usize]) {
            self.remove_membership(m);
        }
        self.live[1] -= 1;
        true
    }
}

fn scan(len: usize, pos: usize, limit: usize, keep: impl Fn(usize) -> bool) -> Page {
    let mut out = Vec::new();
    let mut i = pos;
    while i < len && out.len() < limit {
        if keep(i) {
            out.push(to_u32(i));
        }
        i += 1;
    }
    // Look ahead so the last page carries no NextToken.
    while i < len && !keep(i) {
        i += 1;
    }
    (out, (i < len).then_some(i))
}

fn slice_page(items: &[u32], pos: usize, limit: usize) -> Page {
    let end = (pos + limit).min(items.len());
    let page = items
        .get(pos.min(items.len())..end)
        .unwrap_or_default()
        .to_vec();
    (page, (end < items.len()).then_some(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> Directory {
        Directory::generate(
            5,
            Generator {
                seed: 3,
                users: 250,
                groups: 30,
                memberships: 700,
            },
        )
    }

    #[test]
    fn paging_visits_every_user_once() {
        let d = dir();
        let (mut pos, mut seen) = (Some(0), Vec::new());
        while let Some(p) = pos {
            let (page, next) = d.users_page(p, 100, None);
            assert!(page.len() <= 100);
            seen.extend(page);
            pos = next;
        }
        assert_eq!(seen.len(), 250);
    }

    #[test]
    fn writes_update_indexes_and_counts() {
        let mut d = dir();
        let u = d.add_user(Map::new(), 1);
        let g = d.add_group(Map::new(), 1);
        let m = d.add_membership(g, u);
        assert_eq!(d.membership_of(g, u), Some(m));
        assert_eq!(d.group_members_page(g, 0, 100).0, vec![m]);
        assert!(d.remove_user(u));
        assert_eq!(d.membership_of(g, u), None);
        assert_eq!(d.counts(), (250, 31, 700));
        assert!(d.find_user(&d.user_id(u)).is_none());
        assert!(d.find_group(&d.group_id(g)).is_some());
    }

    #[test]
    fn filters_find_by_name() {
        let d = dir();
        let name = d.user_name(7).expect("user 7");
        assert_eq!(d.users_page(0, 100, Some(&name.to_uppercase())).0, vec![7]);
        let gname = d.group_name(3).expect("group 3");
        assert_eq!(d.groups_page(0, 100, Some(&gname)).0, vec![3]);
        assert!(d.user_name_taken(&name));
    }

    #[test]
    fn disabling_materialises_a_generated_user() {
        let mut d = dir();
        let before = d.user(9).expect("exists").into_owned();
        d.user_mut(9).expect("exists").enabled = false;
        let after = d.user(9).expect("exists");
        assert!(!after.enabled);
        assert_eq!(after.attrs, before.attrs);
    }
}
