//! API tests: one binary, one module per area.
mod browser;
mod buttons;
mod commands;
mod digest;
mod events;
mod exports;
mod health;
mod helpers;
mod library;
mod modals;
mod outbox;
mod robustness;
mod scorecard;
mod screens;
mod search;
mod signature;
mod wall;
