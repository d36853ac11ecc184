//! The `Reviews` contract cases, by topic; each runs on both backends from
//! the root (`tests/reviews.rs`), with the shared setup in `setup`.

mod access;
mod decisions;
mod paging;
mod population;
mod reviewers;
mod revocation;
pub mod setup;

pub use access::*;
pub use decisions::*;
pub use paging::*;
pub use population::*;
pub use reviewers::*;
pub use revocation::*;
pub use setup::Db;
