//! Every weight the runtime charges is one `scripts/benchmark-all.sh` generated on the
//! reference machine: each pallet is configured with its generated `WeightInfo`, and each
//! of its calls has a generated weight function (a new call without a benchmark fails
//! here, not in production).

use crate::{weights, Runtime};
use core::any::type_name;
use frame_support::traits::GetCallName;
use frame_support::weights::constants;

/// What a pallet's calls are priced by.
struct Priced {
	pallet: &'static str,
	calls: &'static [&'static str],
	/// The `WeightInfo` the runtime configures for it.
	configured: &'static str,
	/// The generated type that must be configured.
	generated: &'static str,
	/// The generated file.
	source: &'static str,
}

fn calls<C: GetCallName>() -> &'static [&'static str] {
	C::get_call_names()
}

fn priced() -> Vec<Priced> {
	use crate::Runtime as R;
	macro_rules! frame {
		($pallet:ident, $call:ty, $configured:ty) => {
			Priced {
				pallet: stringify!($pallet),
				calls: calls::<$call>(),
				configured: type_name::<$configured>(),
				generated: type_name::<weights::$pallet::WeightInfo<R>>(),
				source: include_str!(concat!("../weights/", stringify!($pallet), ".rs")),
			}
		};
	}
	macro_rules! agora {
		($pallet:ident, $dir:literal) => {
			Priced {
				pallet: stringify!($pallet),
				calls: calls::<$pallet::Call<R>>(),
				configured: type_name::<<R as $pallet::Config>::WeightInfo>(),
				generated: type_name::<$pallet::weights::SubstrateWeight<R>>(),
				source: include_str!(concat!("../../../pallets/", $dir, "/src/weights.rs")),
			}
		};
	}
	vec![
		frame!(frame_system, frame_system::Call<R>, <R as frame_system::Config>::SystemWeightInfo),
		frame!(
			pallet_balances,
			pallet_balances::Call<R>,
			<R as pallet_balances::Config>::WeightInfo
		),
		frame!(
			pallet_timestamp,
			pallet_timestamp::Call<R>,
			<R as pallet_timestamp::Config>::WeightInfo
		),
		frame!(pallet_session, pallet_session::Call<R>, <R as pallet_session::Config>::WeightInfo),
		frame!(pallet_sudo, pallet_sudo::Call<R>, <R as pallet_sudo::Config>::WeightInfo),
		frame!(pallet_utility, pallet_utility::Call<R>, <R as pallet_utility::Config>::WeightInfo),
		agora!(pallet_services, "services"),
		agora!(pallet_metering, "metering"),
		agora!(pallet_rewards, "rewards"),
		agora!(pallet_governance, "governance"),
		agora!(pallet_validators, "validators"),
	]
}

/// Calls priced by a weight function of another name, or by no benchmark at all, and why.
const PRICED_OTHERWISE: &[(&str, &str, &str)] = &[
	("frame_system", "set_code_without_checks", "set_code"),
	("frame_system", "authorize_upgrade_without_checks", "authorize_upgrade"),
	// Root passes the weight of these with the call.
	("pallet_sudo", "sudo_unchecked_weight", "-"),
	("pallet_utility", "with_weight", "-"),
	// One of two benchmarked paths, chosen by the arguments (or the larger of the two).
	("pallet_balances", "force_set_balance", "force_set_balance_creating"),
	("pallet_balances", "burn", "burn_allow_death"),
	("pallet_rewards", "review", "review_accept"),
	("pallet_rewards", "review_submission", "review_submission_approve"),
	// Closing an unclaimed channel does what reclaiming an expired one does.
	("pallet_metering", "close_channel", "reclaim"),
];

#[test]
fn every_pallet_charges_its_generated_weights() {
	for pallet in priced() {
		assert_eq!(
			pallet.configured, pallet.generated,
			"{} is not priced by its generated weights",
			pallet.pallet
		);
		assert!(
			pallet.source.contains("benchmark pallet") || pallet.source.contains("BENCHMARK CLI"),
			"{}'s weights file is not the benchmark CLI's output",
			pallet.pallet
		);
	}
	assert_eq!(
		type_name::<<Runtime as frame_system::Config>::ExtensionsWeightInfo>(),
		type_name::<weights::frame_system_extensions::WeightInfo<Runtime>>()
	);
	assert_eq!(
		type_name::<<Runtime as pallet_transaction_payment::Config>::WeightInfo>(),
		type_name::<weights::pallet_transaction_payment::WeightInfo<Runtime>>()
	);
}

/// The weight functions the runtime uses: the body of the file's impl for the configured
/// type (`SubstrateWeight<T>` in Agora's pallets, `WeightInfo<T>` in the runtime's), not its
/// `WeightInfo` trait or the `()` impl for mocks.
fn configured_impl(pallet: &Priced) -> &'static str {
	let start = ["for SubstrateWeight<T> {", "for WeightInfo<T> {"]
		.iter()
		.find_map(|header| pallet.source.find(header))
		.unwrap_or_else(|| panic!("{}'s weights file has no runtime impl", pallet.pallet));
	let body = &pallet.source[start..];
	&body[..body.find("\n}\n").unwrap_or(body.len())]
}

/// The body of weight function `name` in `body`, if there is one.
fn weight_fn<'a>(body: &'a str, name: &str) -> Option<&'a str> {
	let start = body.find(&format!("\tfn {name}("))?;
	let rest = &body[start + 1..];
	Some(&rest[..rest.find("\tfn ").unwrap_or(rest.len())])
}

#[test]
fn every_call_has_a_generated_weight() {
	let pallets = priced();
	let mut missing = Vec::new();
	for pallet in &pallets {
		let body = configured_impl(pallet);
		for call in pallet.calls {
			let name = PRICED_OTHERWISE
				.iter()
				.find(|(p, c, _)| *p == pallet.pallet && c == call)
				.map_or(*call, |(_, _, by)| *by);
			if name == "-" {
				continue;
			}
			// The CLI writes what it measured into every function it generates.
			match weight_fn(body, name) {
				Some(f) if f.contains("Minimum execution time") => {},
				_ => missing.push(format!("{}::{call}", pallet.pallet)),
			}
		}
	}
	assert!(missing.is_empty(), "calls without a generated weight (add a benchmark): {missing:?}");
	// Every exception names a call that exists.
	for (pallet, call, _) in PRICED_OTHERWISE {
		let known = pallets.iter().find(|p| p.pallet == *pallet).expect("a priced pallet");
		assert!(known.calls.contains(call), "{pallet}::{call} is not a call");
	}
}

/// The CPU a generated file says its figures were measured on (the CLI writes it in the
/// file's header: "CPU: `…`" in frame's template, "CPU `…`" in Agora's).
fn measured_on(source: &str) -> Option<&str> {
	let mut header = source.lines().take_while(|line| line.starts_with("//!") || line.is_empty());
	let line = header.find(|line| line.contains("CPU"))?;
	let after = &line[line.find("CPU")?..];
	let start = after.find('`')? + 1;
	let end = start + after[start..].find('`')?;
	Some(&after[start..end])
}

/// One clock prices every block: weights measured on two machines would charge some calls
/// for a faster machine's time and others for a slower one's, so every generated file must
/// name the same CPU (`scripts/benchmark-all.sh` refuses to write another machine's).
#[test]
fn every_weight_was_measured_on_one_machine() {
	let base = [
		("block_weights", include_str!("../weights/block_weights.rs")),
		("extrinsic_weights", include_str!("../weights/extrinsic_weights.rs")),
		("paritydb_weights", include_str!("../weights/paritydb_weights.rs")),
		("frame_system_extensions", include_str!("../weights/frame_system_extensions.rs")),
		("pallet_transaction_payment", include_str!("../weights/pallet_transaction_payment.rs")),
	];
	let files: Vec<_> = priced()
		.into_iter()
		.map(|pallet| (pallet.pallet, pallet.source))
		.chain(base)
		.collect();
	// Every generated file the runtime uses: its 11 priced pallets and these 5.
	assert_eq!(files.len(), 16);
	let machines: Vec<_> = files
		.iter()
		.map(|(name, source)| {
			(*name, measured_on(source).unwrap_or_else(|| panic!("{name} names no CPU")))
		})
		.collect();
	let reference = machines[0].1;
	let others: Vec<_> = machines.iter().filter(|(_, cpu)| *cpu != reference).collect();
	assert!(others.is_empty(), "measured on another machine than {reference}: {others:?}");
}

/// The database, block and extrinsic base weights are the generated ones, not frame's
/// reference figures.
#[test]
fn base_weights_are_this_runtimes() {
	let block_weights = crate::configs::RuntimeBlockWeights::get();
	assert_eq!(<Runtime as frame_system::Config>::DbWeight::get(), weights::ParityDbWeight::get());
	assert_ne!(weights::ParityDbWeight::get(), constants::ParityDbWeight::get());
	assert_ne!(weights::ExtrinsicBaseWeight::get(), constants::ExtrinsicBaseWeight::get());
	for class in [
		frame_support::dispatch::DispatchClass::Normal,
		frame_support::dispatch::DispatchClass::Operational,
		frame_support::dispatch::DispatchClass::Mandatory,
	] {
		assert_eq!(block_weights.get(class).base_extrinsic, weights::ExtrinsicBaseWeight::get());
	}
}
