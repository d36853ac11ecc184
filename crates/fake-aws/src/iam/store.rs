//! The IAM world: accounts' users and roles, their policies, and the access
//! keys (long-term and temporary) that authenticate requests.

use std::collections::{BTreeMap, HashMap};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::policy::PolicyDoc;

/// Who made a request, as IAM sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    User {
        name: String,
        user_id: String,
    },
    Session {
        role_name: String,
        role_arn: String,
        role_id: String,
        session: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamPrincipal {
    pub account: String,
    /// `arn:aws:iam::A:user/N` or `arn:aws:sts::A:assumed-role/R/S`.
    pub arn: String,
    pub kind: PrincipalKind,
}

impl IamPrincipal {
    /// ARNs that name this principal in a trust policy.
    pub fn trust_arns(&self) -> Vec<String> {
        match &self.kind {
            PrincipalKind::User { .. } => vec![self.arn.clone()],
            PrincipalKind::Session { role_arn, .. } => vec![self.arn.clone(), role_arn.clone()],
        }
    }

    /// `UserId` of `GetCallerIdentity`.
    pub fn user_id(&self) -> String {
        match &self.kind {
            PrincipalKind::User { user_id, .. } => user_id.clone(),
            PrincipalKind::Session {
                role_id, session, ..
            } => format!("{role_id}:{session}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessKey {
    pub secret: String,
    pub principal: IamPrincipal,
    pub session_token: Option<String>,
    /// Epoch seconds after which the key is expired (temporary keys only).
    pub expires_at: Option<u64>,
}

#[derive(Debug)]
struct IamUser {
    policies: Vec<PolicyDoc>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub account: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub id: String,
    pub description: Option<String>,
    pub trust_text: String,
    pub trust: PolicyDoc,
    pub inline: BTreeMap<String, (String, PolicyDoc)>,
    pub attached: BTreeMap<String, PolicyDoc>,
    pub max_session: u64,
    pub created: u64,
    /// Test override of the session lifetime of `AssumeRole` for this role.
    pub session_override: Option<u64>,
}

#[derive(Debug)]
pub struct Iam {
    keys: HashMap<String, AccessKey>,
    users: HashMap<String, IamUser>,
    /// Keyed by `(account, lower-case role name)`: role names are case-insensitive.
    roles: HashMap<(String, String), Role>,
    rng: ChaCha8Rng,
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Iam {
    pub fn new(seed: u64) -> Self {
        Self {
            keys: HashMap::new(),
            users: HashMap::new(),
            roles: HashMap::new(),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x1A3_u64),
        }
    }

    fn random(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.rng.gen_range(0..alphabet.len())]))
            .collect()
    }

    /// Creates an IAM user with long-term keys; returns `(arn, access key id, secret)`.
    pub fn add_user(
        &mut self,
        account: &str,
        name: &str,
        policies: Vec<PolicyDoc>,
    ) -> (String, String, String) {
        let arn = format!("arn:aws:iam::{account}:user/{name}");
        let user_id = format!("AIDA{}", self.random(KEY_ALPHABET, 17));
        let akid = format!("AKIA{}", self.random(KEY_ALPHABET, 16));
        let secret = self.random(SECRET_ALPHABET, 40);
        self.users.insert(arn.clone(), IamUser { policies });
        let principal = IamPrincipal {
            account: account.to_owned(),
            arn: arn.clone(),
            kind: PrincipalKind::User {
                name: name.to_owned(),
                user_id,
            },
        };
        self.keys.insert(
            akid.clone(),
            AccessKey {
                secret: secret.clone(),
                principal,
                session_token: None,
                expires_at: None,
            },
        );
        (arn, akid, secret)
    }

    pub fn key(&self, akid: &str) -> Option<&AccessKey> {
        self.keys.get(akid)
    }

    /// The identity policies in force for a principal (live: edits apply at once).
    pub fn policies_of(&self, p: &IamPrincipal) -> Vec<&PolicyDoc> {
        match &p.kind {
            PrincipalKind::User { .. } => self
                .users
                .get(&p.arn)
                .map(|u| u.policies.iter().collect())
                .unwrap_or_default(),
            PrincipalKind::Session { role_name, .. } => self
                .roles
                .get(&(p.account.clone(), role_name.to_ascii_lowercase()))
                .map(|r| {
                    r.inline
                        .values()
                        .map(|(_, d)| d)
                        .chain(r.attached.values())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    pub fn role(&self, account: &str, name: &str) -> Option<&Role> {
        self.roles
            .get(&(account.to_owned(), name.to_ascii_lowercase()))
    }

    pub fn role_mut(&mut self, account: &str, name: &str) -> Option<&mut Role> {
        self.roles
            .get_mut(&(account.to_owned(), name.to_ascii_lowercase()))
    }

    /// Finds a role by ARN (`arn:aws:iam::A:role/[path/]NAME`), path included.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let (account, name) = parse_role_arn(arn)?;
        self.role(account, name).filter(|r| r.arn == arn)
    }

    pub fn role_by_arn_mut(&mut self, arn: &str) -> Option<&mut Role> {
        let (account, name) = parse_role_arn(arn)?;
        self.role_mut(account, name).filter(|r| r.arn == arn)
    }

    /// Adds a role; `false` when the name is taken.
    pub fn insert_role(&mut self, mut role: Role) -> bool {
        let key = (role.account.clone(), role.name.to_ascii_lowercase());
        if self.roles.contains_key(&key) {
            return false;
        }
        role.id = format!("AROA{}", self.random(KEY_ALPHABET, 17));
        self.roles.insert(key, role);
        true
    }

    pub fn remove_role(&mut self, account: &str, name: &str) -> Option<Role> {
        self.roles
            .remove(&(account.to_owned(), name.to_ascii_lowercase()))
    }

    /// Issues temporary credentials for a role session.
    pub fn issue_session(
        &mut self,
        role: &Role,
        session: &str,
        expires_at: u64,
    ) -> (String, AccessKey) {
        let akid = format!("ASIA{}", self.random(KEY_ALPHABET, 16));
        let key = AccessKey {
            secret: self.random(SECRET_ALPHABET, 40),
            session_token: Some(format!(
                "IQoJb3JpZ2luX2VjE{}",
                self.random(SECRET_ALPHABET, 300)
            )),
            expires_at: Some(expires_at),
            principal: IamPrincipal {
                account: role.account.clone(),
                arn: format!(
                    "arn:aws:sts::{}:assumed-role/{}/{session}",
                    role.account, role.name
                ),
                kind: PrincipalKind::Session {
                    role_name: role.name.clone(),
                    role_arn: role.arn.clone(),
                    role_id: role.id.clone(),
                    session: session.to_owned(),
                },
            },
        };
        self.keys.insert(akid.clone(), key.clone());
        (akid, key)
    }

    /// Drops temporary keys that expired more than an hour ago (bounded memory).
    pub fn prune_expired(&mut self, now: u64) {
        self.keys
            .retain(|_, k| k.expires_at.is_none_or(|e| e + 3600 > now));
    }
}

/// Splits a role ARN into `(account, name)`.
pub fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((account, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse_with_paths() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/Name"),
            Some(("123456789012", "Name"))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/Name"),
            Some(("123456789012", "Name"))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::12345:role/Name"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/Name"), None);
    }

    #[test]
    fn keys_are_deterministic_per_seed() {
        let mut a = Iam::new(7);
        let mut b = Iam::new(7);
        assert_eq!(
            a.add_user("111111111111", "u", vec![]),
            b.add_user("111111111111", "u", vec![])
        );
        let mut c = Iam::new(8);
        assert_ne!(
            a.add_user("111111111111", "v", vec![]).1,
            c.add_user("111111111111", "v", vec![]).1
        );
    }
}
