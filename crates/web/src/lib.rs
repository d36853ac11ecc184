//! roster console and JSON API.
