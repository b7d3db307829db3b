//! API tests: one binary, one module per area.
mod commands;
mod events;
mod health;
mod helpers;
mod outbox;
mod signature;
