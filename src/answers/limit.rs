//! How often one client address may have answers recorded: a burst of 20, then one every 3
//! seconds (20 a minute), kept in the database (`store::limits`) so it holds whichever replica
//! the customer reaches. Only recorded answers count (a forged link or an unchanged answer
//! charges nothing: the allowance is taken in the answer's transaction), so no one can use up
//! another client's allowance. Behind a reverse proxy that is not trusted, every customer shares
//! its address, so the limit is generous; the per-link limit is the one that binds a single
//! customer.
use std::net::IpAddr;

use crate::store::limits::Allowance;

/// Answers one address may send within a minute.
pub const PER_MINUTE: u32 = 20;

/// What one address may do: `PER_MINUTE` at once, then one every `60 / PER_MINUTE` seconds.
pub const ALLOWANCE: Allowance = Allowance {
    interval_ms: 60_000 / PER_MINUTE as i64,
    burst: PER_MINUTE as i64,
};

/// The allowance's key for `address`.
pub fn key(address: IpAddr) -> String {
    format!("answer:{address}")
}
