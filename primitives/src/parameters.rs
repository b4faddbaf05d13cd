//! Governed parameters: values a pallet keeps in its own storage and governance changes
//! without a runtime upgrade (a deposit, a fee, a period). Each pallet owns its set (its
//! `Parameters` storage, genesis value, `set_parameters` call and checks); what they
//! share is only the way a set changes, here.

/// The most changes one `set_parameters` call makes.
pub const MAX_PARAMETER_CHANGES: u32 = 16;

/// A pallet's set of governed parameters, changed one field at a time.
pub trait ParameterSet: Clone {
	/// A new value for one field.
	type Change: Clone;

	/// Sets the field `change` names.
	fn apply(&mut self, change: Self::Change);

	/// This set with `changes` applied in order, if the result passes `validate`: a set
	/// is checked as a whole, so that fields that bound each other (a voting period and
	/// an enactment delay) can change together. `empty` is the error for no change.
	fn changed<E>(
		&self,
		changes: &[Self::Change],
		validate: impl FnOnce(&Self) -> Result<(), E>,
		empty: E,
	) -> Result<Self, E> {
		if changes.is_empty() {
			return Err(empty);
		}
		let mut next = self.clone();
		for change in changes {
			next.apply(change.clone());
		}
		validate(&next)?;
		Ok(next)
	}
}

/// Why a governed amount (a deposit, a bond, a threshold) is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidAmount {
	/// A minimum deposit or bond of zero would let dust into state.
	Zero,
	/// Above the largest the runtime allows: past it, holders could no longer use the
	/// marketplace, or propose (and so never lower it again).
	TooLarge,
}

/// Checks governed amounts: each of `positive` above zero, and each of `positive` and
/// `any` at most `max`.
pub fn check_amounts<B: Copy + Ord + sp_runtime::traits::Zero>(
	positive: &[B],
	any: &[B],
	max: B,
) -> Result<(), InvalidAmount> {
	if positive.iter().any(|amount| amount.is_zero()) {
		return Err(InvalidAmount::Zero);
	}
	if positive.iter().chain(any).any(|amount| *amount > max) {
		return Err(InvalidAmount::TooLarge);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[derive(Clone, Debug, PartialEq)]
	struct Pair(u32, u32);

	impl ParameterSet for Pair {
		type Change = (bool, u32);
		fn apply(&mut self, (first, value): Self::Change) {
			if first {
				self.0 = value
			} else {
				self.1 = value
			}
		}
	}

	#[test]
	fn a_set_changes_as_a_whole_or_not_at_all() {
		let ordered = |p: &Pair| if p.0 < p.1 { Ok(()) } else { Err("unordered") };
		let pair = Pair(1, 2);
		// Each change alone would break the order; together they keep it.
		assert_eq!(pair.changed(&[(false, 10), (true, 5)], ordered, "empty"), Ok(Pair(5, 10)));
		assert_eq!(pair.changed(&[(true, 5)], ordered, "empty"), Err("unordered"));
		assert_eq!(pair.changed(&[], ordered, "empty"), Err("empty"));
		// Later changes of the same field win.
		assert_eq!(pair.changed(&[(true, 0), (true, 1)], ordered, "empty"), Ok(Pair(1, 2)));
	}

	#[test]
	fn amounts_are_positive_where_required_and_never_above_the_largest() {
		assert_eq!(check_amounts(&[1u128, 10], &[0], 10), Ok(()));
		assert_eq!(check_amounts(&[1u128, 0], &[], 10), Err(InvalidAmount::Zero));
		assert_eq!(check_amounts(&[11u128], &[], 10), Err(InvalidAmount::TooLarge));
		assert_eq!(check_amounts(&[1u128], &[11], 10), Err(InvalidAmount::TooLarge));
	}
}
