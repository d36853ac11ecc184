//! Deterministic synthetic directories of realistic shape: users and groups
//! are derived from `(seed, index)` on demand (no storage), memberships are
//! long-tailed (Zipf-like) with empty groups and users in no group.

use serde_json::{Map, Value, json};

use super::model::{GroupRecord, UserRecord};
use crate::util::hash_words;

const GIVEN: &[&str] = &[
    "Ana", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi",
    "Lena", "Mateo", "Nora", "Oliver", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor",
    "Wei", "Xenia", "Yusuf", "Zoë", "José", "Aiko", "Björn", "Leila",
];
const FAMILY: &[&str] = &[
    "Smith",
    "García",
    "Müller",
    "O'Brien",
    "Nakamura",
    "Okafor",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Novak",
    "Silva",
    "Jensen",
    "Dubois",
    "Singh",
    "Kim",
    "Larsen",
    "Moreau",
    "Ivanova",
    "Chen",
    "Andersson",
    "Fischer",
    "Costa",
    "Ramírez",
    "Bauer",
    "Lindqvist",
    "Nguyen",
    "Patel",
    "Walker",
    "Young",
    "Zimmermann",
];
const DEPTS: &[&str] = &[
    "engineering",
    "sales",
    "finance",
    "marketing",
    "support",
    "security",
    "legal",
    "people",
    "data",
    "ops",
];
const TEAMS: &[&str] = &[
    "platform", "payments", "growth", "infra", "mobile", "web", "emea", "apac", "core", "tools",
];
const TITLES: &[&str] = &[
    "Engineer",
    "Manager",
    "Analyst",
    "Director",
    "Designer",
    "Consultant",
];

/// Base of generated timestamps: 2020-01-01T00:00:00Z.
const EPOCH_2020: u64 = 1_577_836_800;
/// The only extension AWS defines.
pub const ENTERPRISE: &str = "aws:identitystore:enterprise";
const SCIM_ISSUER: &str = "https://scim.example-idp.com/roster";

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[usize::try_from(h % list.len() as u64).unwrap_or(0)]
}

/// ASCII slug of a name for user names and emails (`Zoë` → `zoe`).
fn slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ë' => Some('e'),
            'ü' => Some('u'),
            'ö' | 'ø' => Some('o'),
            'í' => Some('i'),
            'á' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Parameters of one generated directory.
#[derive(Debug, Clone, Copy)]
pub struct Generator {
    pub seed: u64,
    pub users: u32,
    pub groups: u32,
    pub memberships: u64,
}

impl Generator {
    fn h(&self, kind: u64, idx: u32, salt: u64) -> u64 {
        hash_words(&[self.seed, kind, u64::from(idx), salt])
    }

    /// The user name of generated user `idx` (cheap; used by filters).
    pub fn user_name(&self, idx: u32) -> String {
        let h = self.h(1, idx, 0);
        format!(
            "{}.{}{idx}@example.com",
            slug(pick(GIVEN, h)),
            slug(pick(FAMILY, h >> 20))
        )
    }

    /// True for the ~5% of users that belong to no group.
    pub fn user_ungrouped(&self, idx: u32) -> bool {
        self.h(1, idx, 7).is_multiple_of(20)
    }

    /// Generated user `idx`, every field AWS returns for a SCIM-provisioned user.
    pub fn user(&self, idx: u32) -> UserRecord {
        let h = self.h(1, idx, 0);
        let (given, family) = (pick(GIVEN, h), pick(FAMILY, h >> 20));
        let user_name = self.user_name(idx);
        let roll = |salt: u64, modulo: u64| self.h(1, idx, salt) % modulo;
        let mut attrs = Map::new();
        attrs.insert("UserName".into(), json!(user_name));
        attrs.insert(
            "Name".into(),
            json!({"Formatted": format!("{given} {family}"), "FamilyName": family, "GivenName": given}),
        );
        attrs.insert("DisplayName".into(), json!(format!("{given} {family}")));
        // ~2% have no email; ~1% share the email of the previous user.
        if roll(1, 50) != 0 {
            let email = if idx > 0 && roll(2, 100) == 0 {
                self.user_name(idx - 1)
            } else {
                user_name
            };
            attrs.insert(
                "Emails".into(),
                json!([{"Value": email, "Type": "work", "Primary": true}]),
            );
        }
        // ~5% were created by hand in the console: no ExternalIds.
        if roll(3, 20) != 0 {
            attrs.insert(
                "ExternalIds".into(),
                json!([{"Issuer": SCIM_ISSUER, "Id": format!("{:016x}", self.h(1, idx, 4))}]),
            );
        }
        if roll(5, 3) != 0 {
            attrs.insert("Title".into(), json!(pick(TITLES, h >> 40)));
        }
        attrs.insert("Locale".into(), json!("en-US"));
        // ~70% carry the enterprise extension their IdP provisions (returned
        // only when `ListUsers` asks for it).
        if roll(10, 10) < 7 {
            let dept = pick(DEPTS, self.h(1, idx, 11));
            attrs.insert(
                "Extensions".into(),
                json!({ENTERPRISE: {
                    "employeeNumber": format!("E{:06}", idx + 1),
                    "costCenter": format!("CC-{}", 100 + roll(12, 40)),
                    "organization": "Example Corp",
                    "division": if roll(13, 2) == 0 { "Products" } else { "Operations" },
                    "department": dept,
                }}),
            );
        }
        let created_at = EPOCH_2020 + roll(8, 4 * 365 * 86_400);
        UserRecord {
            attrs,
            enabled: roll(6, 33) != 0,
            created_at,
            updated_at: created_at + roll(9, 365 * 86_400),
        }
    }

    /// Generated group `idx`; every 17th is a privileged `*-admins` group.
    pub fn group(&self, idx: u32) -> GroupRecord {
        let h = self.h(2, idx, 0);
        let dept = pick(DEPTS, h);
        let name = if idx % 17 == 3 {
            format!("{dept}-admins-{idx}")
        } else {
            format!("{dept}-{}-{idx}", pick(TEAMS, h >> 16))
        };
        let mut attrs = Map::new();
        attrs.insert("DisplayName".into(), json!(name));
        attrs.insert("Description".into(), json!(format!("{dept} team {idx}")));
        if !h.is_multiple_of(10) {
            attrs.insert(
                "ExternalIds".into(),
                json!([{"Issuer": SCIM_ISSUER, "Id": format!("g{:015x}", h >> 4)}]),
            );
        }
        let created_at = EPOCH_2020 + self.h(2, idx, 8) % (4 * 365 * 86_400);
        GroupRecord {
            attrs,
            created_at,
            updated_at: created_at + self.h(2, idx, 9) % (180 * 86_400),
        }
    }

    /// The group display name of generated group `idx`.
    pub fn group_name(&self, idx: u32) -> String {
        match self.group(idx).attrs.get("DisplayName") {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        }
    }

    /// Target member count of every group: Zipf-like over a shuffled rank
    /// order, ~5% empty, capped by the number of groupable users.
    // Float weights are the point here; sizes stay far below 2^52.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    fn group_sizes(&self, pool: u64) -> Vec<u64> {
        let g = self.groups as usize;
        let mut sizes = vec![0u64; g];
        if g == 0 || pool == 0 {
            return sizes;
        }
        let stride = coprime_stride(self.seed.wrapping_mul(31) + 7, g as u64);
        let offset = hash_words(&[self.seed, 77]) % g as u64;
        let nonempty: Vec<usize> = (0..g as u64)
            .map(|r| usize::try_from((r * stride + offset) % g as u64).unwrap_or(0))
            .filter(|&gi| g < 5 || hash_words(&[self.seed, 2, gi as u64, 11]) % 20 != 1)
            .collect();
        let weights: Vec<f64> = (0..nonempty.len())
            .map(|r| 1.0 / (r as f64 + 1.0))
            .collect();
        let total_w: f64 = weights.iter().sum();
        let mut remaining = self.memberships;
        for (rank, &gi) in nonempty.iter().enumerate() {
            let want = (self.memberships as f64 * weights[rank] / total_w).floor() as u64;
            sizes[gi] = want.min(pool).min(remaining);
            remaining -= sizes[gi];
        }
        // Spread the rounding remainder over groups below the cap.
        while remaining > 0 {
            let mut progressed = false;
            for &gi in &nonempty {
                if remaining == 0 {
                    break;
                }
                if sizes[gi] < pool {
                    sizes[gi] += 1;
                    remaining -= 1;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        sizes
    }

    /// All memberships `(group, user)`, ordered by group.
    pub fn memberships(&self) -> Vec<(u32, u32)> {
        let pool: Vec<u32> = (0..self.users)
            .filter(|&u| !self.user_ungrouped(u))
            .collect();
        let n = pool.len() as u64;
        let sizes = self.group_sizes(n);
        let mut out = Vec::with_capacity(usize::try_from(sizes.iter().sum::<u64>()).unwrap_or(0));
        for (gi, &size) in sizes.iter().enumerate() {
            let gi = u32::try_from(gi).unwrap_or(u32::MAX);
            let h = hash_words(&[self.seed, 3, u64::from(gi)]);
            let (start, stride) = (h % n.max(1), coprime_stride(h >> 20, n));
            for k in 0..size {
                let u = pool[usize::try_from((start + k * stride) % n).unwrap_or(0)];
                out.push((gi, u));
            }
        }
        out
    }
}

/// A stride in `1..n` coprime with `n`, so `start + k*stride mod n` visits distinct slots.
fn coprime_stride(h: u64, n: u64) -> u64 {
    if n <= 2 {
        return 1;
    }
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let mut s = 1 + h % (n - 1);
    while gcd(s, n) != 1 {
        s = s % (n - 1) + 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn gen_small() -> Generator {
        Generator {
            seed: 1,
            users: 300,
            groups: 40,
            memberships: 900,
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let g = gen_small();
        assert_eq!(g.user(5), g.user(5));
        assert_eq!(g.memberships(), g.memberships());
        let other = Generator { seed: 2, ..g };
        assert_ne!(g.user(5), other.user(5));
    }

    #[test]
    fn shape_is_realistic() {
        let g = gen_small();
        let ms = g.memberships();
        assert_eq!(ms.len(), 900);
        let distinct: HashSet<_> = ms.iter().collect();
        assert_eq!(distinct.len(), ms.len(), "no duplicate memberships");
        let mut sizes = vec![0usize; 40];
        for (gi, _) in &ms {
            sizes[*gi as usize] += 1;
        }
        assert!(sizes.iter().any(|&s| s > 100), "a group needs pagination");
        assert!(sizes.contains(&0), "some groups are empty");
        let grouped: HashSet<u32> = ms.iter().map(|m| m.1).collect();
        assert!(grouped.len() < 300, "some users are in no group");
        let users: Vec<_> = (0..300).map(|i| g.user(i)).collect();
        assert!(users.iter().any(|u| !u.enabled), "some users are disabled");
        assert!(
            users.iter().any(|u| !u.attrs.contains_key("ExternalIds")),
            "some users are not from the IdP"
        );
        let emails: Vec<_> = users
            .iter()
            .filter_map(|u| u.attrs.get("Emails"))
            .map(|e| e[0]["Value"].clone())
            .collect();
        let unique: HashSet<_> = emails.iter().map(ToString::to_string).collect();
        assert!(unique.len() < emails.len(), "a few duplicate emails");
        let names: HashSet<_> = (0..300).map(|i| g.user_name(i)).collect();
        assert_eq!(names.len(), 300, "user names are unique");
    }

    #[test]
    fn largest_directory_generates_quickly() {
        let g = Generator {
            seed: 9,
            users: 200_000,
            groups: 100_000,
            memberships: 1_000_000,
        };
        let t = std::time::Instant::now();
        let ms = g.memberships();
        assert_eq!(ms.len(), 1_000_000);
        assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    }
}
