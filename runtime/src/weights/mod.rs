//! The weights this runtime charges, generated on the reference machine
//! (`docs/operators.md`) by `scripts/benchmark-all.sh`: the database's read and write costs,
//! the base weights of a block and of an extrinsic, and frame pallets' calls. Agora's
//! pallets keep theirs in their own crates (`pallets/*/src/weights.rs`).

pub mod block_weights;
pub mod extrinsic_weights;
// The storage benchmark's template documents the fields of a struct expression.
#[allow(unused_doc_comments)]
pub mod paritydb_weights;

pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_session;
pub mod pallet_sudo;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
pub mod pallet_utility;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::constants::ParityDbWeight;
