//! The bundle's CSV files (`users.csv`, `groups.csv`, `memberships.csv`):
//! headers, one record per entity, RFC 4180 quoting and formula-injection
//! prefixes neutralised. Pure: callers feed rows and collect bytes.
//!
//! The columns follow the snapshot's directory format
//! ([`crate::directory::DIRECTORY_FORMAT`]): format 1 (snapshots taken before
//! roster kept the enterprise extension and membership fields) keeps the
//! original columns, so an old snapshot re-exports byte-identically; format 2
//! appends the new ones.

use crate::directory::UserStatus;
use crate::export::neutralize_formula;
use crate::{Group, Membership, User};

pub const USER_HEADER: &[&str] = &[
    "UserId",
    "UserName",
    "DisplayName",
    "Email",
    "UserStatus",
    "IdpSourced",
    "ExternalIds",
    "CreatedAt",
    "UpdatedAt",
];
pub const GROUP_HEADER: &[&str] = &[
    "GroupId",
    "DisplayName",
    "Description",
    "ExternalIds",
    "CreatedAt",
    "UpdatedAt",
];
pub const MEMBERSHIP_HEADER: &[&str] = &[
    "MembershipId",
    "GroupId",
    "GroupDisplayName",
    "UserId",
    "UserName",
];

/// Columns format 2 appends to `users.csv`.
const USER_COLUMNS_2: &[&str] = &[
    "UserArn",
    "CreatedBy",
    "UpdatedBy",
    "EmployeeNumber",
    "CostCenter",
    "Organization",
    "Division",
    "Department",
    "Manager",
];
/// Columns format 2 appends to `groups.csv`.
const GROUP_COLUMNS_2: &[&str] = &["GroupArn", "CreatedBy", "UpdatedBy"];
/// Columns format 2 appends to `memberships.csv`.
const MEMBERSHIP_COLUMNS_2: &[&str] = &[
    "MembershipArn",
    "CreatedAt",
    "UpdatedAt",
    "CreatedBy",
    "UpdatedBy",
];

fn header(base: &[&'static str], added: &[&'static str], format: u8) -> Vec<&'static str> {
    let mut h = base.to_vec();
    if format >= 2 {
        h.extend_from_slice(added);
    }
    h
}

/// `users.csv`'s header for a snapshot of directory `format`.
pub fn user_header(format: u8) -> Vec<&'static str> {
    header(USER_HEADER, USER_COLUMNS_2, format)
}

pub fn group_header(format: u8) -> Vec<&'static str> {
    header(GROUP_HEADER, GROUP_COLUMNS_2, format)
}

pub fn membership_header(format: u8) -> Vec<&'static str> {
    header(MEMBERSHIP_HEADER, MEMBERSHIP_COLUMNS_2, format)
}

fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

/// A user's record in directory `format`'s columns.
pub fn user_record_in(u: &User, format: u8) -> Vec<String> {
    let mut r = user_record(u);
    if format >= 2 {
        let e = u.enterprise().unwrap_or_default();
        r.extend([
            text(u.user_arn.as_deref()),
            text(u.created_by.as_deref()),
            text(u.updated_by.as_deref()),
        ]);
        r.extend(e.fields().iter().map(|(_, v)| text(*v)));
    }
    r
}

pub fn group_record_in(g: &Group, format: u8) -> Vec<String> {
    let mut r = group_record(g);
    if format >= 2 {
        r.extend([
            text(g.group_arn.as_deref()),
            text(g.created_by.as_deref()),
            text(g.updated_by.as_deref()),
        ]);
    }
    r
}

pub fn membership_record_in(
    m: &Membership,
    group_name: Option<&str>,
    user_name: Option<&str>,
    format: u8,
) -> Vec<String> {
    let mut r = membership_record(m, group_name, user_name);
    if format >= 2 {
        let meta = &m.meta;
        r.extend([
            text(meta.membership_arn.as_deref()),
            text(meta.created_at.as_deref()),
            text(meta.updated_at.as_deref()),
            text(meta.created_by.as_deref()),
            text(meta.updated_by.as_deref()),
        ]);
    }
    r
}

fn external_ids(ids: &[crate::directory::ExternalIdentifier]) -> String {
    ids.iter()
        .map(|e| format!("{}:{}", e.issuer, e.id))
        .collect::<Vec<_>>()
        .join(";")
}

pub fn user_record(u: &User) -> Vec<String> {
    let status = match &u.user_status {
        Some(UserStatus::Enabled) => "ENABLED".to_owned(),
        Some(UserStatus::Disabled) => "DISABLED".to_owned(),
        Some(UserStatus::Other(s)) => s.clone(),
        None => String::new(),
    };
    vec![
        u.user_id.to_string(),
        u.user_name.clone().unwrap_or_default(),
        u.display_name.clone().unwrap_or_default(),
        u.primary_email().unwrap_or_default().to_owned(),
        status,
        u.is_idp_sourced().to_string(),
        external_ids(&u.external_ids),
        u.created_at.clone().unwrap_or_default(),
        u.updated_at.clone().unwrap_or_default(),
    ]
}

pub fn group_record(g: &Group) -> Vec<String> {
    vec![
        g.group_id.to_string(),
        g.display_name.clone().unwrap_or_default(),
        g.description.clone().unwrap_or_default(),
        external_ids(&g.external_ids),
        g.created_at.clone().unwrap_or_default(),
        g.updated_at.clone().unwrap_or_default(),
    ]
}

pub fn membership_record(
    m: &Membership,
    group_name: Option<&str>,
    user_name: Option<&str>,
) -> Vec<String> {
    vec![
        m.membership_id.to_string(),
        m.group_id.to_string(),
        group_name.unwrap_or_default().to_owned(),
        m.user_id.to_string(),
        user_name.unwrap_or_default().to_owned(),
    ]
}

/// A CSV file being written: header first, then records, `\n` line ends.
#[derive(Debug)]
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    pub fn new(header: &[&str]) -> Self {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(header);
        Self { writer }
    }

    /// Appends one record; every cell is formula-neutralised.
    pub fn push(&mut self, record: &[String]) {
        let _ = self
            .writer
            .write_record(record.iter().map(|c| neutralize_formula(c).into_owned()));
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Attribute, ExternalIdentifier};
    use crate::{IdentityStoreId, UserId};

    #[test]
    fn hostile_cells_parse_back_exactly_and_never_as_formulas() {
        let mut u = User::new(
            IdentityStoreId::parse("d-1234567890").unwrap(),
            UserId::parse("u-1").unwrap(),
        );
        u.user_name = Some("=HYPERLINK(\"http://evil\",\"x\")".into());
        u.display_name = Some("Zoë \"Z\" Ångström, Jr.\nsecond line".into());
        u.emails = vec![Attribute {
            value: Some("+1@x.com".into()),
            r#type: None,
            primary: true,
        }];
        u.external_ids = vec![ExternalIdentifier {
            issuer: "@okta".into(),
            id: "-1".into(),
        }];
        u.user_status = Some(UserStatus::Disabled);
        let mut file = CsvFile::new(USER_HEADER);
        file.push(&user_record(&u));
        let bytes = file.into_bytes();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            USER_HEADER
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(&r[0], "u-1");
        assert_eq!(&r[1], "'=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(&r[2], "Zoë \"Z\" Ångström, Jr.\nsecond line");
        assert_eq!(&r[3], "'+1@x.com");
        assert_eq!(&r[4], "DISABLED");
        assert_eq!(&r[5], "true");
        assert_eq!(&r[6], "'@okta:-1");
    }

    #[test]
    fn format_1_keeps_the_original_columns_and_format_2_appends_the_new_fields() {
        let mut u = User::new(
            IdentityStoreId::parse("d-1234567890").unwrap(),
            UserId::parse("u-1").unwrap(),
        );
        u.extensions.insert(
            crate::directory::ENTERPRISE_EXTENSION.into(),
            serde_json::json!({"department": "Sales", "manager": {"value": "u-9"}}),
        );
        assert_eq!(user_header(1), USER_HEADER);
        assert_eq!(user_record_in(&u, 1), user_record(&u));
        let (h, r) = (user_header(2), user_record_in(&u, 2));
        assert_eq!(h.len(), r.len());
        let at = |name: &str| &r[h.iter().position(|c| *c == name).unwrap()];
        assert_eq!(at("Department"), "Sales");
        assert_eq!(at("Manager"), "u-9");
        let mut m = Membership::new(
            crate::MembershipId::parse("m-1").unwrap(),
            crate::GroupId::parse("g-1").unwrap(),
            UserId::parse("u-1").unwrap(),
        );
        m.meta.membership_arn = Some("arn:aws:identitystore:::membership/m-1".into());
        assert_eq!(membership_header(1), MEMBERSHIP_HEADER);
        let r = membership_record_in(&m, None, None, 2);
        assert_eq!(r.len(), membership_header(2).len());
        assert_eq!(r[5], "arn:aws:identitystore:::membership/m-1");
    }

    #[test]
    fn membership_rows_carry_names() {
        let m = Membership {
            membership_id: crate::MembershipId::parse("m-1").unwrap(),
            group_id: crate::GroupId::parse("g-1").unwrap(),
            user_id: UserId::parse("u-1").unwrap(),
            meta: crate::directory::MembershipMeta::default(),
        };
        assert_eq!(
            membership_record(&m, Some("-admins"), None),
            ["m-1", "g-1", "-admins", "u-1", ""]
        );
        let mut f = CsvFile::new(MEMBERSHIP_HEADER);
        f.push(&membership_record(&m, Some("-admins"), None));
        assert!(
            String::from_utf8(f.into_bytes())
                .unwrap()
                .ends_with("m-1,g-1,'-admins,u-1,\n")
        );
    }
}
