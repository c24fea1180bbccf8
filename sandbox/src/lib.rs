//! The host side of the `carmen:city` contract: the generated bindings with their conversions
//! (`contract`), and one module per capability a service may import (`capabilities`). It reads and
//! writes through the domain's staged writes, and cannot name the store.

pub mod capabilities;
pub mod contract;

use carmen_domain as crm;
