//! The pallets whose weights `agora-node benchmark pallet` measures.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_services, Services]
	[pallet_metering, Metering]
	[pallet_rewards, Rewards]
	[pallet_governance, Governance]
	[pallet_validators, Validators]
);
