//! The pallet's calls and hooks, one file per feature (as in pallet-nfts): each extrinsic
//! in `lib.rs` checks its origin and calls the `do_*` function here that does the work.

mod enactment;
mod parameters;
mod treasury;
mod voting;
