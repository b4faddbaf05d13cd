//! Receipt verification as the gateway does it for every paid request whose receipt is
//! new: the 64-byte payload rebuilt and its signature checked against the channel signer.
//! `cargo bench -p agora-gateway` prints the time per check; verifications per second per
//! core = 1 / that time.

use agora_gateway::ledger::{ChainChannel, ChannelAccount, Terms};
use agora_primitives::{Receipt, ReceiptSigner};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sp_core::{ecdsa, ed25519, sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::MultiSignature;

const GENESIS: H256 = H256::repeat_byte(1);

fn account(signer: ReceiptSigner) -> ChannelAccount {
	ChannelAccount {
		id: 1,
		chain: ChainChannel {
			payee: Sr25519Keyring::Bob.to_account_id(),
			service_id: 0,
			signer,
			price_per_unit: 1,
			deposit: u128::MAX,
			claimed: 0,
			expires_at: u32::MAX,
		},
		best: None,
		quantity: 0,
		reserved: 0,
	}
}

fn terms() -> Terms {
	Terms {
		genesis_hash: GENESIS,
		provider: Sr25519Keyring::Bob.to_account_id(),
		service_id: 0,
		credit_limit: 0,
		expiry_margin: 0,
		quantity_per_unit: 1,
	}
}

fn payload(units: u64) -> [u8; 64] {
	Receipt { genesis_hash: GENESIS, channel_id: 1, cumulative_units: units }.payload()
}

fn bench_scheme(
	c: &mut Criterion,
	name: &str,
	signer: ReceiptSigner,
	sign: impl Fn(&[u8]) -> MultiSignature,
) {
	let terms = terms();
	let signature = sign(&payload(1_000));
	let mut group = c.benchmark_group("receipt_check");
	group.throughput(Throughput::Elements(1));
	group.bench_function(name, |b| {
		b.iter_batched(
			|| account(signer),
			|mut account| account.accept_receipt(&terms, 0, 1_000, &signature).expect("valid"),
			BatchSize::SmallInput,
		)
	});
	group.finish();
}

fn receipts(c: &mut Criterion) {
	let sr = sr25519::Pair::from_string("//bench", None).unwrap();
	bench_scheme(c, "sr25519", ReceiptSigner::Sr25519(sr.public()), |m| {
		MultiSignature::Sr25519(sr.sign(m))
	});
	let ed = ed25519::Pair::from_string("//bench", None).unwrap();
	bench_scheme(c, "ed25519", ReceiptSigner::Ed25519(ed.public()), |m| {
		MultiSignature::Ed25519(ed.sign(m))
	});
	let ec = ecdsa::Pair::from_string("//bench", None).unwrap();
	bench_scheme(c, "ecdsa", ReceiptSigner::Ecdsa(ec.public()), |m| {
		MultiSignature::Ecdsa(ec.sign(m))
	});
}

criterion_group!(benches, receipts);
criterion_main!(benches);
