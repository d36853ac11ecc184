//! Login CSRF: forms that sign a browser in without a session yet (sign-in,
//! accepting an invitation) carry their own token twice — in a cookie
//! scoped to the form's path and in the form. A cross-site page can set
//! neither, so nobody can sign a victim's browser in to an account of theirs.

use axum::http::{HeaderMap, HeaderValue};

use crate::auth::secrets::{constant_time_eq, random_token};
use crate::auth::session;
use crate::error::WebError;
use crate::state::AppState;

/// One form's double-submit token: its cookie's name and path.
#[derive(Debug, Clone, Copy)]
pub struct LoginCsrf {
    cookie: &'static str,
    path: &'static str,
}

/// The sign-in form (`/signin`).
pub const SIGNIN: LoginCsrf = LoginCsrf {
    cookie: "roster_signin",
    path: "/signin",
};

/// The invitation acceptance form (`/invite/{token}`).
pub const INVITE: LoginCsrf = LoginCsrf {
    cookie: "roster_invite",
    path: "/invite/",
};

impl LoginCsrf {
    /// The token the browser already holds, else a new one.
    pub fn token(self, headers: &HeaderMap) -> String {
        self.sent_cookie(headers)
            .filter(|t| t.len() >= 32)
            .unwrap_or_else(random_token)
    }

    /// The `Set-Cookie` that gives the browser `token` (an hour).
    pub fn cookie(self, state: &AppState, token: &str) -> Result<HeaderValue, WebError> {
        session::set_cookie(
            state,
            &format!(
                "{}={token}; Path={}; SameSite=Strict; Max-Age=3600",
                self.cookie, self.path
            ),
        )
    }

    /// The cookie's value as the browser sent it.
    pub fn sent_cookie(self, headers: &HeaderMap) -> Option<String> {
        session::named_cookie(headers, self.cookie)
    }

    /// The form's token matches the cookie's (403 `csrf` otherwise).
    pub fn check(self, headers: &HeaderMap, sent: &str) -> Result<(), WebError> {
        let token = self.sent_cookie(headers).unwrap_or_default();
        if token.is_empty() || !constant_time_eq(&token, sent) {
            return Err(WebError::Csrf);
        }
        Ok(())
    }
}
