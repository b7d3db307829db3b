//! herobot: recognise service heroes in Slack and keep their stories.
pub mod cli;
pub mod clock;
pub mod config;
pub mod digest;
pub mod domain;
pub mod error;
pub mod library;
pub mod messages;
pub mod metrics;
pub mod modals;
pub mod outbox;
pub mod routes;
pub mod slack;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
