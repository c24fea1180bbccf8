//! Carmen's end-to-end tests, one module per concern, linked into one test binary: each binary links
//! all of wasmtime, so one binary instead of sixteen saves minutes of linking and gigabytes of disk.
//! `secrets_in_logs` stays a binary of its own: it installs the process-wide log subscriber.

mod abuse;
mod api_contract;
mod api_properties;
mod authorization;
mod backups;
mod bad_input;
mod call_outcomes;
mod casework;
mod citizens;
mod contract_versions;
mod crm_bad_input;
mod delivery;
mod end_to_end;
mod evaluation;
mod group_commit;
mod hot_path;
mod identity;
mod integrations;
mod knowledge;
mod languages;
mod launch_day;
mod lifecycle;
mod lighthouse;
mod open311;
mod openapi;
mod plugin_authors;
mod portability;
mod postgres;
mod privacy;
mod process;
mod proofs;
mod registry;
mod registry_trust;
mod sandbox;
mod scheduler;
mod services;
mod storm;
mod tenancy;
mod use_case_transactions;
mod visibility;
mod web;
