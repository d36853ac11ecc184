//! Deterministic, opaque-looking entity IDs (UUID form) that encode their
//! slot index, so lookups need no map: the ID is rebuilt and compared.

use crate::util::{hash_words, low32, mix64};

pub const USER: u64 = 1;
pub const GROUP: u64 = 2;
pub const MEMBERSHIP: u64 = 3;

/// The ID of slot `idx` of entity `kind` in the directory keyed by `key`.
pub fn make(key: u64, kind: u64, idx: u32) -> String {
    let h1 = hash_words(&[key, kind, u64::from(idx)]);
    let h2 = (mix64(h1) >> 32) as u32;
    let tail = idx ^ low32(hash_words(&[key, kind]));
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&h1.to_be_bytes());
    b[8..12].copy_from_slice(&h2.to_be_bytes());
    b[12..].copy_from_slice(&tail.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::util::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The slot index an ID names, if it is an ID of this directory and kind.
pub fn parse(key: u64, kind: u64, id: &str) -> Option<u32> {
    if id.len() != 36 {
        return None;
    }
    let tail = u32::from_str_radix(id.get(28..)?, 16).ok()?;
    let idx = tail ^ low32(hash_words(&[key, kind]));
    (make(key, kind, idx) == id).then_some(idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_foreign_ids() {
        for idx in [0u32, 1, 99, 123_456, u32::MAX - 1] {
            let id = make(42, USER, idx);
            assert_eq!(id.len(), 36);
            assert_eq!(parse(42, USER, &id), Some(idx));
            assert_eq!(parse(43, USER, &id), None, "other directory");
            assert_eq!(parse(42, GROUP, &id), None, "other kind");
        }
        assert_eq!(parse(42, USER, "not-an-id"), None);
        assert_ne!(make(42, USER, 1), make(42, USER, 2));
    }
}
