//! Passwords: Argon2id (PHC strings with their own salt and parameters),
//! computed on a bounded blocking pool — one Argon2 per core at most, a
//! short queue behind it — never on the async runtime's threads, so a
//! sign-in flood cannot stall `/healthz` or the rest of the console.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::error::WebError;

pub const MIN_LEN: usize = 12;
/// Longest password accepted (bytes): Argon2 hashes anything, but a
/// megabyte-long "password" is only ever an attack.
pub const MAX_LEN: usize = 1024;
/// Password checks waiting per core beyond those running; more are refused.
pub const QUEUE_PER_CORE: usize = 16;

pub fn validate(password: &str) -> Result<(), WebError> {
    if password.chars().count() < MIN_LEN {
        return Err(WebError::bad_request(
            "weak-password",
            format!("use at least {MIN_LEN} characters"),
        ));
    }
    if password.len() > MAX_LEN {
        return Err(WebError::bad_request(
            "invalid-password",
            format!("use at most {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

struct Pool {
    permits: Arc<Semaphore>,
    /// Checks admitted (waiting or running).
    admitted: AtomicUsize,
    max_admitted: usize,
}

static POOL: LazyLock<Pool> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Pool {
        permits: Arc::new(Semaphore::new(cores)),
        admitted: AtomicUsize::new(0),
        max_admitted: cores * (1 + QUEUE_PER_CORE),
    }
});

/// Leaves the pool's admission count when the request is done or dropped.
struct Admitted(&'static Pool);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` on the blocking pool behind the semaphore. The permit moves
/// into the blocking task: a cancelled request still holds its core until
/// the hash is done, so the bound is real.
async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
    let pool: &'static Pool = &POOL;
    if pool.admitted.fetch_add(1, Ordering::SeqCst) >= pool.max_admitted {
        pool.admitted.fetch_sub(1, Ordering::SeqCst);
        tracing::warn!("password pool full: attempt refused");
        return Err(WebError::RateLimited);
    }
    let _admitted = Admitted(pool);
    let permit = pool
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| WebError::Internal(format!("password pool: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| WebError::Internal(format!("password task: {e}")))
}

fn hash_now(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("argon2: {e}")))
}

fn verify_now(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash nobody knows the password of, to spend a verification's time on.
fn dummy_phc() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a real password").unwrap_or_default())
}

/// Hashes `password` on the pool.
pub async fn hash(password: &str) -> Result<String, WebError> {
    let password = password.to_owned();
    run(move || hash_now(&password)).await?
}

/// Which of `phcs` (in order) `password` matches first. Always spends
/// exactly `checks` verifications — missing candidates are made up with a
/// dummy hash — so the time taken says nothing about how many accounts an
/// email has, or whether it has any. Candidates beyond `checks` are ignored.
pub async fn first_match(
    password: &str,
    phcs: Vec<String>,
    checks: usize,
) -> Result<Option<usize>, WebError> {
    let password = password.to_owned();
    run(move || {
        let mut found = None;
        for i in 0..checks {
            let phc: &str = match phcs.get(i) {
                Some(phc) => phc,
                None => dummy_phc(),
            };
            if verify_now(&password, phc) && i < phcs.len() && found.is_none() {
                found = Some(i);
            }
        }
        found
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_now("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_now("correct horse battery", &h));
        assert!(!verify_now("wrong horse battery", &h));
    }

    #[tokio::test]
    async fn the_first_matching_candidate_wins_and_padding_never_matches() {
        let a = hash("password-of-a").await.unwrap();
        let b = hash("password-of-b").await.unwrap();
        let both = vec![a.clone(), b.clone()];
        assert_eq!(
            first_match("password-of-b", both.clone(), 3).await.unwrap(),
            Some(1)
        );
        assert_eq!(
            first_match("password-of-a", both.clone(), 3).await.unwrap(),
            Some(0)
        );
        assert_eq!(first_match("neither", both, 3).await.unwrap(), None);
        assert_eq!(
            first_match("not a real password", vec![], 2).await.unwrap(),
            None
        );
        assert_eq!(
            first_match("password-of-b", vec![a, b], 1).await.unwrap(),
            None
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_one_check_per_core_runs_at_once() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..cores * 3)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                tokio::spawn(run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&peak),
            "{peak} ran at once on {cores} cores"
        );
    }
}
