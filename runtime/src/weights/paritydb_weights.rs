//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-11-29 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
//!
//! DATABASE: `ParityDb`, RUNTIME: `Agora Development`
//! BLOCK-NUM: `Number(64)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `runtime/src/weights/paritydb_weights.rs`
//! METRIC: `Average`, WEIGHT-MUL: `1.5`, WEIGHT-ADD: `0`

// Executed Command:
//   /var/tmp/agora-target/benchmark/agora-node
//   benchmark
//   storage
//   --chain
//   /tmp/dev-raw-release.json
//   --base-path
//   /var/tmp/agora-bench-release
//   --database
//   paritydb
//   --state-version
//   1
//   --batch-size
//   1000
//   --mul
//   1.5
//   --weight-path
//   runtime/src/weights/paritydb_weights.rs

/// Storage DB weights for the `Agora Development` runtime and `ParityDb`.
pub mod constants {
	use frame_support::weights::constants;
	use sp_core::parameter_types;
	use sp_weights::RuntimeDbWeight;

	parameter_types! {
		/// `ParityDB` can be enabled with a feature flag, but is still experimental. These weights
		/// are available for brave runtime engineers who may want to try this out as default.
		pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			/// Time to read one storage item.
			/// Calculated by multiplying the *Average* of all values with `1.5` and adding `0`.
			///
			/// Stats nanoseconds:
			///   Min, Max: 1_402, 1_152_089
			///   Average:  8_224
			///   Median:   7_641
			///   Std-Dev:  8642.46
			///
			/// Percentiles nanoseconds:
			///   99th: 23_763
			///   95th: 11_191
			///   75th: 9_084
			read: 12_336 * constants::WEIGHT_REF_TIME_PER_NANOS,

			/// Time to write one storage item.
			/// Calculated by multiplying the *Average* of all values with `1.5` and adding `0`.
			///
			/// Stats nanoseconds:
			///   Min, Max: 10_508, 19_422
			///   Average:  15_828
			///   Median:   16_491
			///   Std-Dev:  2423.67
			///
			/// Percentiles nanoseconds:
			///   99th: 19_422
			///   95th: 19_253
			///   75th: 18_163
			write: 23_742 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::constants::ParityDbWeight as W;
		use sp_weights::constants;

		/// Checks that all weights exist and have sane values.
		// NOTE: If this test fails but you are sure that the generated values are fine,
		// you can delete it.
		#[test]
		fn bound() {
			// At least 1 µs.
			assert!(
				W::get().reads(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Read weight should be at least 1 µs."
			);
			assert!(
				W::get().writes(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Write weight should be at least 1 µs."
			);
			// At most 1 ms.
			assert!(
				W::get().reads(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Read weight should be at most 1 ms."
			);
			assert!(
				W::get().writes(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Write weight should be at most 1 ms."
			);
		}
	}
}
