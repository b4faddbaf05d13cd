//! The pallet's calls, one file per feature (as in pallet-nfts): each extrinsic in
//! `lib.rs` checks its origin and calls the `do_*` function here that does the work.

mod campaigns;
mod datasets;
mod parameters;
