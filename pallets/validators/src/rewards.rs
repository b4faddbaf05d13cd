//! What validators are paid: a share of every block's fees and tips, and the issuance
//! minted at the end of every session for the blocks each authored.

use crate::{
	AuthoredBlocks, BalanceOf, BlockFees, BlockFeesPaid, Config, CreditOf, Event, Pallet,
	Parameters, SessionIssuance,
};
use alloc::collections::BTreeMap;
use core::marker::PhantomData;
use frame_support::traits::{
	fungible::{Balanced, Inspect, Mutate},
	tokens::imbalance::OnUnbalanced,
	Get, Imbalance,
};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{Saturating, UniqueSaturatedFrom, UniqueSaturatedInto, Zero},
	Perbill, Rounding,
};
use sp_staking::SessionIndex;

/// The runtime's transaction-fee handler: it is given each transaction's fee, then its
/// tip. The block's author gets `author_fee_share` of the fee and `author_tip_share` of
/// the tip, rounded down to the planck; the treasury the rest, and the author's part too
/// when the block has no known author or the author cannot receive it.
pub struct DealWithFees<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for DealWithFees<T> {
	fn on_unbalanceds(mut fee_then_tip: impl Iterator<Item = CreditOf<T>>) {
		let parameters = Parameters::<T>::get();
		let (mut to_author, mut to_treasury) = (CreditOf::<T>::zero(), CreditOf::<T>::zero());
		for share in [parameters.author_fee_share, parameters.author_tip_share] {
			let Some(credit) = fee_then_tip.next() else { break };
			let (author_part, treasury_part) = split_off_share::<T>(credit, share);
			to_author.subsume(author_part);
			to_treasury.subsume(treasury_part);
		}
		// `FungibleAdapter` gives two; anything more is the treasury's.
		fee_then_tip.for_each(|credit| to_treasury.subsume(credit));
		Pallet::<T>::pay_fees(to_author, to_treasury);
	}
}

/// `credit` split into `share` of it, rounded down, and the rest.
fn split_off_share<T: Config>(credit: CreditOf<T>, share: Perbill) -> (CreditOf<T>, CreditOf<T>) {
	let amount = share.mul_floor(credit.peek());
	credit.split(amount)
}

impl<T: Config> Pallet<T> {
	/// Resolves a transaction's fee parts into the author's and the treasury's accounts
	/// and adds what they received to [`BlockFees`].
	fn pay_fees(to_author: CreditOf<T>, mut to_treasury: CreditOf<T>) {
		let author = pallet_authorship::Pallet::<T>::author();
		let mut author_paid = BalanceOf::<T>::zero();
		if !to_author.peek().is_zero() {
			match &author {
				Some(author) => {
					let amount = to_author.peek();
					match T::NativeBalance::resolve(author, to_author) {
						Ok(()) => author_paid = amount,
						Err(refused) => to_treasury.subsume(refused),
					}
				},
				None => to_treasury.subsume(to_author),
			}
		}
		let treasury_paid = to_treasury.peek();
		if !treasury_paid.is_zero() {
			// The treasury is endowed at genesis, so it always accepts; if it did not, the
			// credit would be dropped, which lowers the issuance by as much.
			let _ = T::NativeBalance::resolve(&T::Treasury::get(), to_treasury);
		}
		BlockFees::<T>::mutate(|paid| {
			let paid = paid.get_or_insert(BlockFeesPaid {
				author,
				to_author: Zero::zero(),
				to_treasury: Zero::zero(),
			});
			paid.to_author.saturating_accrue(author_paid);
			paid.to_treasury.saturating_accrue(treasury_paid);
		});
	}

	/// Emits the block's [`Event::FeesPaid`], if its transactions paid fees. Reads no
	/// other pallet: `pallet-authorship` may already have forgotten the author.
	pub(crate) fn report_block_fees() {
		if let Some(BlockFeesPaid { author, to_author, to_treasury }) = BlockFees::<T>::take() {
			Self::deposit_event(Event::FeesPaid { author, to_author, to_treasury });
		}
	}

	/// Mints session `session`'s issuance and pays it out, given the blocks each validator
	/// authored in it:
	/// - `minted = ⌊⌊yearly_inflation × total issuance⌋ × blocks ÷ BlocksPerYear⌋`, the
	///   session's `blocks` being the sum of `authored`;
	/// - each validator gets `⌊(minted − ⌊treasury_issuance_share × minted⌋) × its blocks ÷
	///   blocks⌋`;
	/// - the treasury gets the rest of `minted`.
	pub(crate) fn mint_session_issuance(
		session: SessionIndex,
		authored: &BTreeMap<T::AccountId, u32>,
	) -> SessionIssuance<BalanceOf<T>> {
		let parameters = Parameters::<T>::get();
		let blocks: u32 = authored.values().fold(0u32, |sum, n| sum.saturating_add(*n));
		let yearly: u128 = parameters
			.yearly_inflation
			.mul_floor(T::NativeBalance::total_issuance())
			.unique_saturated_into();
		let minted = share_of(yearly, blocks, T::BlocksPerYear::get());
		if minted == 0 {
			return SessionIssuance::default();
		}
		let pot = minted.saturating_sub(parameters.treasury_issuance_share.mul_floor(minted));
		let mut to_validators = 0u128;
		for (who, count) in authored {
			let amount = share_of(pot, *count, blocks);
			if amount == 0 {
				continue;
			}
			let amount = BalanceOf::<T>::unique_saturated_from(amount);
			// A validator's account exists (its session keys hold a deposit); if minting
			// to it failed all the same, its part goes to the treasury.
			if T::NativeBalance::mint_into(who, amount).is_ok() {
				to_validators = to_validators.saturating_add(amount.unique_saturated_into());
				Self::deposit_event(Event::ValidatorRewarded {
					who: who.clone(),
					session,
					blocks: *count,
					amount,
				});
			}
		}
		let mut to_treasury = minted.saturating_sub(to_validators);
		if T::NativeBalance::mint_into(
			&T::Treasury::get(),
			BalanceOf::<T>::unique_saturated_from(to_treasury),
		)
		.is_err()
		{
			// Not minted at all: the issuance reports only what was.
			to_treasury = 0;
		}
		let issued = SessionIssuance {
			minted: BalanceOf::<T>::unique_saturated_from(
				to_validators.saturating_add(to_treasury),
			),
			to_validators: BalanceOf::<T>::unique_saturated_from(to_validators),
			to_treasury: BalanceOf::<T>::unique_saturated_from(to_treasury),
		};
		Self::deposit_event(Event::IssuanceMinted {
			session,
			minted: issued.minted,
			to_validators: issued.to_validators,
			to_treasury: issued.to_treasury,
		});
		issued
	}
}

/// `⌊amount × part ÷ whole⌋` (0 for an empty whole).
fn share_of(amount: u128, part: u32, whole: u32) -> u128 {
	if whole == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(amount, part.into(), whole.into(), Rounding::Down)
		.unwrap_or(0)
}

impl<T: Config>
	pallet_authorship::EventHandler<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	/// Counts the block for its author's session tally.
	fn note_author(author: T::AccountId) {
		AuthoredBlocks::<T>::mutate(author, |blocks| blocks.saturating_inc());
	}
}
