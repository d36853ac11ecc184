//! The error shapes of AWS's service models for sso-admin and
//! organizations (botocore's `sso-admin/2020-07-20` and
//! `organizations/2016-11-28` `service-2.json`): which members each
//! modeled exception's body has besides `Message`. An error body of these
//! services carries exactly those (and `__type`): no `RequestId` (it is in
//! the `x-amzn-RequestId` header; only Identity Store models it in the
//! body), no Identity Store members such as `ResourceType`/`ResourceId` or
//! `RetryAfterSeconds`. Errors the model does not name (authentication,
//! `SerializationException`, `UnknownOperationException`) carry `Message`
//! only.

use crate::errors::WireError;

/// A service whose error bodies follow its model exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modeled {
    SsoAdmin,
    Organizations,
}

/// sso-admin's exceptions and their members besides `Message`.
pub const SSO_ADMIN: &[(&str, &[&str])] = &[
    ("AccessDeniedException", &["Reason"]),
    ("ConflictException", &[]),
    ("InternalServerException", &[]),
    ("ResourceNotFoundException", &["Reason"]),
    ("ServiceQuotaExceededException", &[]),
    ("ThrottlingException", &["Reason"]),
    ("ValidationException", &["Reason"]),
];

/// organizations' exceptions fake-aws can return, and their members
/// besides `Message` (every other exception of the model has `Message` only).
pub const ORGANIZATIONS: &[(&str, &[&str])] = &[
    ("AWSOrganizationsNotInUseException", &[]),
    ("AccessDeniedException", &[]),
    ("AccessDeniedForDependencyException", &["Reason"]),
    ("AccountAlreadyRegisteredException", &[]),
    ("AccountNotFoundException", &[]),
    ("ConstraintViolationException", &["Reason"]),
    ("HandshakeConstraintViolationException", &["Reason"]),
    ("InvalidInputException", &["Reason"]),
    ("ServiceException", &[]),
    ("TooManyRequestsException", &["Type"]),
];

/// The members besides `Message` that `code`'s shape has in `service`'s model.
pub fn members(service: Modeled, code: &str) -> &'static [&'static str] {
    let table = match service {
        Modeled::SsoAdmin => SSO_ADMIN,
        Modeled::Organizations => ORGANIZATIONS,
    };
    table
        .iter()
        .find(|(name, _)| *name == code)
        .map_or(&[][..], |(_, m)| *m)
}

/// `e` as `service`'s model shapes it: members its shape does not define
/// are dropped (an Identity Store member on an sso-admin error is a bug
/// of fake-aws; debug builds say so), and no `RequestId` in the body.
pub fn conform(service: Modeled, mut e: WireError) -> WireError {
    let allowed = members(service, &e.code);
    let extra: Vec<String> = e
        .fields
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in &extra {
        e.fields.remove(k);
    }
    // The fault injector's throttling and internal errors are built for
    // every directory service; only their Identity Store shape has more.
    if !extra.is_empty()
        && !matches!(
            e.code.as_str(),
            "ThrottlingException" | "InternalServerException"
        )
    {
        tracing::debug!(code = %e.code, fields = ?extra, "unmodeled error members dropped");
    }
    e.request_id_in_body = false;
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Protocol;
    use serde_json::Value;

    fn keys(e: &WireError) -> Vec<String> {
        let (_, _, body) = e.render(Protocol::Json, "rid");
        let v: Value = serde_json::from_str(&body).expect("json");
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    }

    #[test]
    fn sso_admin_errors_carry_only_their_modeled_members() {
        let e = conform(
            Modeled::SsoAdmin,
            WireError::sso_not_found("Permission set not found."),
        );
        assert_eq!(keys(&e), ["Message", "__type"]);
        let e = conform(Modeled::SsoAdmin, WireError::throttling(1));
        assert_eq!(keys(&e), ["Message", "__type"]);
        assert_eq!(e.retry_after, Some(1), "the Retry-After header stays");
        let e = conform(Modeled::SsoAdmin, WireError::internal());
        assert_eq!(keys(&e), ["Message", "__type"]);
        // A member its shape has stays.
        let e = WireError::validation("x").with("Reason", "KMS_DisabledException");
        assert_eq!(
            keys(&conform(Modeled::SsoAdmin, e)),
            ["Message", "Reason", "__type"]
        );
    }

    #[test]
    fn organizations_errors_carry_only_their_modeled_members() {
        let e = WireError::new(400, "InvalidInputException", "x").with("Reason", "INPUT_REQUIRED");
        assert_eq!(
            keys(&conform(Modeled::Organizations, e)),
            ["Message", "Reason", "__type"]
        );
        let e = WireError::new(400, "AccountNotFoundException", "x").with("Reason", "nope");
        assert_eq!(
            keys(&conform(Modeled::Organizations, e)),
            ["Message", "__type"]
        );
    }

    #[test]
    fn identity_store_errors_keep_their_request_id() {
        assert!(keys(&WireError::not_found("USER", "u", "x")).contains(&"RequestId".to_owned()));
    }
}
