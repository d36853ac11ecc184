//! IAM: policy documents and their evaluation, managed policies, the
//! principal/key store, and the IAM Query API (roles and their policies).

pub mod api;
pub mod managed;
pub mod policy;
pub mod store;
