//! Opaque `NextToken`s bound to their request: a token carries the position
//! and a MAC over (request binding, position); used with another request it
//! fails with `ValidationException`.

use crate::errors::WireError;
use crate::util::{hash_str, hash_words, hex};

/// The binding of a list request: operation, store and the request's scope.
pub fn binding(op: &str, store_id: &str, scope: &str) -> u64 {
    hash_words(&[hash_str(op), hash_str(store_id), hash_str(scope)])
}

pub fn encode(key: u64, bind: u64, pos: usize) -> String {
    let pos = pos as u64;
    let masked = pos ^ hash_words(&[key, bind, 0x6d61_736b]);
    let mac = hash_words(&[key, bind, pos]);
    let mut bytes = Vec::with_capacity(24);
    bytes.extend_from_slice(&masked.to_be_bytes());
    bytes.extend_from_slice(&mac.to_be_bytes());
    bytes.extend_from_slice(&hash_words(&[mac, key]).to_be_bytes());
    format!("AAQ{}", hex(&bytes))
}

pub fn invalid() -> WireError {
    WireError::validation("The NextToken provided is invalid or does not belong to this request.")
}

pub fn decode(key: u64, bind: u64, token: &str) -> Result<usize, WireError> {
    let h = token
        .strip_prefix("AAQ")
        .filter(|h| h.len() == 48)
        .ok_or_else(invalid)?;
    let word = |i: usize| {
        u64::from_str_radix(h.get(i * 16..(i + 1) * 16).unwrap_or("x"), 16).map_err(|_| invalid())
    };
    let (masked, mac) = (word(0)?, word(1)?);
    let pos = masked ^ hash_words(&[key, bind, 0x6d61_736b]);
    if hash_words(&[key, bind, pos]) != mac {
        return Err(invalid());
    }
    usize::try_from(pos).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_only_for_their_request() {
        let users = binding("ListUsers", "d-1234567890", "");
        let groups = binding("ListGroups", "d-1234567890", "");
        let t = encode(7, users, 300);
        assert_eq!(decode(7, users, &t).expect("valid"), 300);
        assert!(decode(7, groups, &t).is_err(), "other operation");
        assert!(decode(8, users, &t).is_err(), "other server");
        let g1 = binding("ListGroupMemberships", "d-1234567890", "group-a");
        let g2 = binding("ListGroupMemberships", "d-1234567890", "group-b");
        assert!(decode(7, g2, &encode(7, g1, 100)).is_err(), "other group");
        assert!(decode(7, users, "garbage").is_err());
        let mut tampered = t.clone();
        tampered.replace_range(5..6, if &t[5..6] == "0" { "1" } else { "0" });
        assert!(decode(7, users, &tampered).is_err());
    }
}
