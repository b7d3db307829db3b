//! Everything that speaks Slack's wire format, and nothing else.
pub mod blocks;
pub mod chart;
pub mod client;
pub mod extract;
pub mod payload;
pub mod signature;
