//! AWS error values and their two wire shapes: JSON 1.1 (`__type`, `Message`)
//! for Identity Store and SSO Admin, Query XML (`ErrorResponse`) for STS and IAM.

use serde_json::{Map, Value, json};

/// The wire protocol a request arrived with; decides how errors render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `application/x-amz-json-1.1` with `X-Amz-Target`.
    Json,
    /// Form-encoded `Action=...` with XML responses; the namespace differs per service.
    Query(&'static str),
}

/// One AWS error, protocol-neutral until rendered.
#[derive(Debug, Clone)]
pub struct WireError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Extra modeled members of the JSON error body (`Reason`, `ResourceType`, ...).
    pub fields: Map<String, Value>,
    /// Seconds for `RetryAfterSeconds` and the `Retry-After` header.
    pub retry_after: Option<u64>,
    /// Query protocol only: `Sender` or `Receiver`.
    pub sender_fault: bool,
    /// JSON only: `RequestId` in the body too (Identity Store's model has
    /// it; sso-admin's and organizations' do not, see `error_shapes`).
    pub request_id_in_body: bool,
}

impl WireError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            fields: Map::new(),
            retry_after: None,
            sender_fault: status < 500,
            request_id_in_body: true,
        }
    }

    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_owned(), value.into());
        self
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "ValidationException", message)
    }

    /// The constraint message AWS's request validation produces.
    pub fn max_results(value: i64) -> Self {
        Self::validation(format!(
            "1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"
        ))
    }

    /// Identity Store's `ResourceNotFoundException` (its model has
    /// `ResourceType` and `ResourceId`).
    pub fn not_found(resource_type: &str, resource_id: &str, message: impl Into<String>) -> Self {
        Self::new(400, "ResourceNotFoundException", message)
            .with("ResourceType", resource_type)
            .with("ResourceId", resource_id)
    }

    /// sso-admin's `ResourceNotFoundException`: `Message` only (its model
    /// has no `ResourceType`/`ResourceId`; `Reason` is for KMS keys).
    pub fn sso_not_found(message: impl Into<String>) -> Self {
        Self::new(400, "ResourceNotFoundException", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(400, "ConflictException", message)
            .with("Reason", "UNIQUENESS_CONSTRAINT_VIOLATION")
    }

    pub fn throttling(retry_after: u64) -> Self {
        let mut e = Self::new(400, "ThrottlingException", "Rate exceeded");
        e.retry_after = Some(retry_after);
        e.with("RetryAfterSeconds", retry_after)
    }

    pub fn internal() -> Self {
        Self::new(
            500,
            "InternalServerException",
            "An internal error occurred. Please try again.",
        )
        .with("RetryAfterSeconds", 1)
    }

    /// Renders the error body and headers for `protocol`.
    pub fn render(
        &self,
        protocol: Protocol,
        request_id: &str,
    ) -> (u16, Vec<(&'static str, String)>, String) {
        let mut headers = vec![("x-amzn-RequestId", request_id.to_owned())];
        if let Some(s) = self.retry_after {
            headers.push(("Retry-After", s.to_string()));
        }
        match protocol {
            Protocol::Json => {
                let mut body = self.fields.clone();
                body.insert("__type".into(), json!(self.code));
                body.insert("Message".into(), json!(self.message));
                if self.request_id_in_body {
                    body.insert("RequestId".into(), json!(request_id));
                }
                headers.push(("x-amzn-ErrorType", self.code.clone()));
                headers.push(("Content-Type", "application/x-amz-json-1.1".into()));
                (self.status, headers, Value::Object(body).to_string())
            }
            Protocol::Query(ns) => {
                headers.push(("Content-Type", "text/xml".into()));
                let kind = if self.sender_fault {
                    "Sender"
                } else {
                    "Receiver"
                };
                let body = format!(
                    "<ErrorResponse xmlns=\"{ns}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
                    crate::util::xml_escape(&self.code),
                    crate::util::xml_escape(&self.message),
                );
                (self.status, headers, body)
            }
        }
    }
}

/// Why `SigV4` authentication failed; each protocol names it differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    Missing,
    UnknownKey,
    BadSignature,
    /// The request's `X-Amz-Date` is too far from the server clock.
    Skewed {
        request: String,
        /// The server's clock, epoch seconds.
        server: u64,
        /// The request is from the future (the client's clock is ahead).
        ahead: bool,
    },
    Expired,
}

impl AuthFailure {
    pub fn to_error(&self, protocol: Protocol) -> WireError {
        const BAD_SIG: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
        const INVALID: &str = "The security token included in the request is invalid.";
        const EXPIRED: &str = "The security token included in the request is expired";
        let json = protocol == Protocol::Json;
        let (status, code, msg): (u16, &str, String) = match self {
            Self::Missing if json => (
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token".into(),
            ),
            Self::Missing => (
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token".into(),
            ),
            Self::UnknownKey if json => (400, "UnrecognizedClientException", INVALID.into()),
            Self::UnknownKey => (403, "InvalidClientTokenId", INVALID.into()),
            Self::BadSignature if json => (400, "InvalidSignatureException", BAD_SIG.into()),
            Self::BadSignature => (403, "SignatureDoesNotMatch", BAD_SIG.into()),
            Self::Skewed {
                request,
                server,
                ahead,
            } => {
                // AWS's wording, e.g. "Signature expired: 20160609T184512Z is
                // now earlier than 20160610T013008Z (20160610T014508Z - 15 min.)".
                let now = crate::util::amz_date(*server);
                let msg = if *ahead {
                    format!(
                        "Signature not yet current: {request} is still later than {} ({now} + 15 min.)",
                        crate::util::amz_date(server + 900)
                    )
                } else {
                    format!(
                        "Signature expired: {request} is now earlier than {} ({now} - 15 min.)",
                        crate::util::amz_date(server.saturating_sub(900))
                    )
                };
                if json {
                    (400, "InvalidSignatureException", msg)
                } else {
                    (403, "SignatureDoesNotMatch", msg)
                }
            }
            Self::Expired if json => (400, "ExpiredTokenException", EXPIRED.into()),
            Self::Expired => (403, "ExpiredToken", EXPIRED.into()),
        };
        WireError::new(status, code, msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_carries_type_message_and_fields() {
        let e = WireError::throttling(2);
        let (status, headers, body) = e.render(Protocol::Json, "rid");
        assert_eq!(status, 400);
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["__type"], "ThrottlingException");
        assert_eq!(v["RetryAfterSeconds"], 2);
        assert!(headers.iter().any(|(k, v)| *k == "Retry-After" && v == "2"));
    }

    #[test]
    fn query_error_is_xml_error_response() {
        let e = WireError::new(403, "AccessDenied", "User: a<b");
        let (_, _, body) = e.render(
            Protocol::Query("https://sts.amazonaws.com/doc/2011-06-15/"),
            "rid",
        );
        assert!(body.contains("<Code>AccessDenied</Code>"));
        assert!(body.contains("User: a&lt;b"));
        assert!(body.contains("<Type>Sender</Type>"));
    }
}
