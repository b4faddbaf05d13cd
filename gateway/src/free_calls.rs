//! Free trial calls: a provider lets each account make `free_calls` calls per period
//! without a channel or any AGR, as SingularityNET's daemon does. The caller proves the
//! account is theirs by signing the request:
//!
//! ```text
//! Agora-Caller: 5Grw…               (SS58, any prefix, or 0x + 32 bytes hex)
//! Agora-Caller-Time: 1764460800     (Unix seconds, within free_call_window of the gateway's clock)
//! Agora-Caller-Nonce: 7f3a9c…       (1–64 of A–Z a–z 0–9 - _ .; new for every request)
//! Agora-Caller-Signature: sr25519:0x…   (or ed25519, ecdsa)
//! ```
//!
//! The signature is the account key's signature of the UTF-8 text
//! `agora/free-call/v1:{genesis hash}:{service id}:{time}:{nonce}:{METHOD}:{path and query}`
//! (the genesis hash as 0x + lowercase hex). A wallet that wraps what it signs in
//! `<Bytes>…</Bytes>` (the polkadot.js extension's `signRaw`) is accepted too.
//!
//! What this stops: a signature names one gateway's chain, service, method and path,
//! and is good once (the nonce is remembered until the time leaves the window); another
//! key's signature is not the account's. What it does not: anyone can make accounts, so a
//! provider bounds what all callers together get with `free_calls_budget`.

use agora_primitives::AccountId;
use axum::http::HeaderMap;
use sp_core::crypto::Ss58Codec;
use sp_runtime::{traits::Verify, MultiSignature};

use crate::{
	ledger::{Refusal, Terms},
	receipt::parse_signature,
	store::FreeCallRequest,
};

/// The caller's account.
pub const CALLER_HEADER: &str = "agora-caller";
/// When the request was signed (Unix seconds).
pub const TIME_HEADER: &str = "agora-caller-time";
/// A value the caller uses once.
pub const NONCE_HEADER: &str = "agora-caller-nonce";
/// The signature of the request.
pub const SIGNATURE_HEADER: &str = "agora-caller-signature";
/// Response header: the free calls the account has left this period.
pub const LEFT_HEADER: &str = "agora-free-calls-left";

/// The longest nonce.
const MAX_NONCE: usize = 64;

/// What a provider gives away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreeCalls {
	/// Free calls per account and period.
	pub allowance: u32,
	/// Seconds in a period.
	pub period: u64,
	/// Free calls per period across all accounts, if bounded.
	pub budget: Option<u32>,
	/// Seconds a request's time may be off the gateway's clock.
	pub window: u64,
}

impl FreeCalls {
	/// The period `now` (Unix seconds) falls in.
	pub fn period_of(&self, now: u64) -> u64 {
		now / self.period
	}

	/// When the period after `now`'s begins (Unix seconds).
	pub fn renews_at(&self, now: u64) -> u64 {
		self.period_of(now).saturating_add(1).saturating_mul(self.period)
	}

	/// The count to take for `caller`'s request at `now`.
	pub fn request(&self, caller: &Caller, now: u64) -> FreeCallRequest {
		FreeCallRequest {
			account: caller.account.clone(),
			nonce: caller.nonce.clone(),
			period: self.period_of(now),
			allowance: self.allowance,
			budget: self.budget,
			// Until its time leaves the window, the request could be accepted again: by a
			// replica whose clock is behind too (another window of margin), and whichever
			// replica's clock prunes it.
			nonce_expires_at: caller.time.saturating_add(2 * self.window).saturating_add(1),
		}
	}
}

/// Whether `headers` ask for a free call.
pub fn asked(headers: &HeaderMap) -> bool {
	headers.contains_key(CALLER_HEADER)
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
	pub account: AccountId,
	pub time: u64,
	pub nonce: String,
}

/// The text a caller signs for a request.
pub fn payload(
	terms: &Terms,
	time: u64,
	nonce: &str,
	method: &str,
	path_and_query: &str,
) -> Vec<u8> {
	let genesis = sp_core::bytes::to_hex(terms.genesis_hash.as_bytes(), false);
	format!(
		"agora/free-call/v1:{genesis}:{}:{time}:{nonce}:{method}:{path_and_query}",
		terms.service_id
	)
	.into_bytes()
}

fn unauthenticated(message: impl Into<String>) -> Refusal {
	Refusal::CallerUnauthenticated(message.into())
}

/// An account written in SS58 (any prefix) or as 0x + 32 bytes of hex.
fn parse_account(text: &str) -> Result<AccountId, Refusal> {
	if let Some(hex) = text.strip_prefix("0x") {
		let bytes = sp_core::bytes::from_hex(hex).ok().filter(|b| b.len() == 32);
		let bytes: [u8; 32] = bytes
			.and_then(|b| b.try_into().ok())
			.ok_or_else(|| unauthenticated("Agora-Caller: 0x… must be 32 bytes of hex"))?;
		return Ok(AccountId::from(bytes));
	}
	AccountId::from_ss58check_with_version(text)
		.map(|(account, _)| account)
		.map_err(|_| unauthenticated(format!("Agora-Caller '{text}' is not an SS58 address")))
}

/// Checks a request's caller headers: present and well formed, signed within `window`
/// seconds of `now`, and signed by the account they name.
pub fn authenticate(
	headers: &HeaderMap,
	method: &str,
	path_and_query: &str,
	terms: &Terms,
	window: u64,
	now: u64,
) -> Result<Caller, Refusal> {
	let text = |name: &str| -> Result<&str, Refusal> {
		headers
			.get(name)
			.ok_or_else(|| unauthenticated(format!("a free call needs the headers {CALLER_HEADER}, {TIME_HEADER}, {NONCE_HEADER} and {SIGNATURE_HEADER} ({name} is missing)")))?
			.to_str()
			.map(str::trim)
			.map_err(|_| unauthenticated(format!("the {name} header is not text")))
	};
	let account = parse_account(text(CALLER_HEADER)?)?;
	let time_text = text(TIME_HEADER)?;
	let time: u64 = time_text.parse().map_err(|_| {
		unauthenticated(format!("Agora-Caller-Time '{time_text}' is not Unix seconds"))
	})?;
	if time.abs_diff(now) > window {
		return Err(unauthenticated(format!(
			"Agora-Caller-Time {time} is {}s from the gateway's clock ({now}); requests are accepted within {window}s",
			time.abs_diff(now)
		)));
	}
	let nonce = text(NONCE_HEADER)?;
	let nonce_ok = (1..=MAX_NONCE).contains(&nonce.len())
		&& nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
	if !nonce_ok {
		return Err(unauthenticated(format!(
			"Agora-Caller-Nonce must be 1 to {MAX_NONCE} of A-Z a-z 0-9 - _ ."
		)));
	}
	let signature: MultiSignature =
		parse_signature(text(SIGNATURE_HEADER)?).map_err(Refusal::CallerUnauthenticated)?;
	let signed = payload(terms, time, nonce, method, path_and_query);
	let wrapped = [&b"<Bytes>"[..], &signed, b"</Bytes>"].concat();
	if !signature.verify(&signed[..], &account) && !signature.verify(&wrapped[..], &account) {
		return Err(unauthenticated(
			"Agora-Caller-Signature is not the account's signature of this request",
		));
	}
	Ok(Caller { account, time, nonce: nonce.to_string() })
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::http::HeaderValue;
	use sp_core::{ecdsa, ed25519, sr25519, Pair, H256};
	use sp_runtime::traits::IdentifyAccount;

	const NOW: u64 = 1_764_460_800;

	fn terms() -> Terms {
		Terms {
			genesis_hash: H256::repeat_byte(0xab),
			provider: sp_keyring::Sr25519Keyring::Bob.to_account_id(),
			service_id: 3,
			credit_limit: 0,
			expiry_margin: 10,
			quantity_per_unit: 1,
		}
	}

	fn headers(account: &str, time: u64, nonce: &str, signature: &str) -> HeaderMap {
		let mut map = HeaderMap::new();
		for (name, value) in [
			(CALLER_HEADER, account.to_string()),
			(TIME_HEADER, time.to_string()),
			(NONCE_HEADER, nonce.to_string()),
			(SIGNATURE_HEADER, signature.to_string()),
		] {
			map.insert(name, HeaderValue::from_str(&value).unwrap());
		}
		map
	}

	fn signed_by(pair: &sr25519::Pair, time: u64, nonce: &str, path: &str) -> HeaderMap {
		let signature = pair.sign(&payload(&terms(), time, nonce, "POST", path));
		let hex = sp_core::bytes::to_hex(&signature.0, false);
		headers(
			&AccountId::from(pair.public()).to_ss58check(),
			time,
			nonce,
			&format!("sr25519:{hex}"),
		)
	}

	fn check(map: &HeaderMap, path: &str) -> Result<Caller, Refusal> {
		authenticate(map, "POST", path, &terms(), 60, NOW)
	}

	#[test]
	fn the_payload_names_chain_service_time_nonce_and_request() {
		assert_eq!(
			String::from_utf8(payload(&terms(), 7, "n-1", "POST", "/v1/chat?x=1")).unwrap(),
			format!("agora/free-call/v1:0x{}:3:7:n-1:POST:/v1/chat?x=1", "ab".repeat(32))
		);
	}

	#[test]
	fn a_signed_request_names_its_caller() {
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let caller = check(&signed_by(&alice, NOW - 60, "n1", "/v1/chat"), "/v1/chat").unwrap();
		assert_eq!(caller.account, AccountId::from(alice.public()));
		assert_eq!((caller.time, caller.nonce.as_str()), (NOW - 60, "n1"));
		// ed25519 and ecdsa accounts, and wallets that wrap the text in <Bytes>.
		let ed = ed25519::Pair::from_string("//Ed", None).unwrap();
		let wrapped =
			[&b"<Bytes>"[..], &payload(&terms(), NOW, "n2", "POST", "/x"), b"</Bytes>"].concat();
		let sig = sp_core::bytes::to_hex(&ed.sign(&wrapped).0, false);
		let account = AccountId::from(ed.public());
		let map =
			headers(&format!("0x{}", hex(account.as_ref())), NOW, "n2", &format!("ed25519:{sig}"));
		assert_eq!(check(&map, "/x").unwrap().account, account);
		let ec = ecdsa::Pair::from_string("//Ec", None).unwrap();
		let sig = ec.sign(&payload(&terms(), NOW, "n3", "POST", "/x"));
		let account: AccountId = sp_runtime::MultiSigner::from(ec.public()).into_account();
		let map = headers(
			&account.to_ss58check(),
			NOW,
			"n3",
			&format!("ecdsa:{}", sp_core::bytes::to_hex(&sig.0, false)),
		);
		assert_eq!(check(&map, "/x").unwrap().account, account);
	}

	fn hex(bytes: &[u8]) -> String {
		sp_core::bytes::to_hex(bytes, false).trim_start_matches("0x").to_string()
	}

	#[test]
	fn the_clients_shared_vector_is_accepted() {
		// @agora/client's freeCallHeaders and agora-py's free_call_headers give these
		// headers for ed25519 //Alice (clients/js/test/freecall.test.js,
		// clients/python/tests/test_free_call.py).
		let terms = Terms { genesis_hash: H256::repeat_byte(0x11), ..terms() };
		let signature = "ed25519:0x829221878342590fb77b6663d3ffad3532645fc354b7681e882be46090149aa613138455145ea1b70861fdbcd904c4d789dad0f58e9a48488ce97913331b9e07";
		let map =
			headers("5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu", NOW, "n-1", signature);
		let caller = authenticate(&map, "POST", "/v1/chat/completions", &terms, 60, NOW).unwrap();
		let alice = ed25519::Pair::from_string("//Alice", None).unwrap();
		assert_eq!(caller.account, AccountId::from(alice.public()));
	}

	#[test]
	fn another_key_another_request_or_a_stale_time_is_refused() {
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let mallory = sr25519::Pair::from_string("//Mallory", None).unwrap();
		let not_hers = "Agora-Caller-Signature is not the account's signature of this request";
		// Mallory signs, naming Alice's account.
		let mut forged = signed_by(&mallory, NOW, "n", "/v1/chat");
		forged.insert(
			CALLER_HEADER,
			HeaderValue::from_str(&AccountId::from(alice.public()).to_ss58check()).unwrap(),
		);
		assert_eq!(check(&forged, "/v1/chat"), Err(unauthenticated(not_hers)));
		// Alice's signature, used for another path, or with another nonce or time.
		let signed = signed_by(&alice, NOW, "n", "/v1/chat");
		assert_eq!(check(&signed, "/v1/embeddings"), Err(unauthenticated(not_hers)));
		let mut renonced = signed.clone();
		renonced.insert(NONCE_HEADER, HeaderValue::from_static("m"));
		assert_eq!(check(&renonced, "/v1/chat"), Err(unauthenticated(not_hers)));
		let mut retimed = signed.clone();
		retimed.insert(TIME_HEADER, HeaderValue::from(NOW + 1));
		assert_eq!(check(&retimed, "/v1/chat"), Err(unauthenticated(not_hers)));
		// Signed for another chain or service.
		let mut other_service = terms();
		other_service.service_id = 4;
		assert!(authenticate(&signed, "POST", "/v1/chat", &other_service, 60, NOW).is_err());
		// Outside the window, either way.
		let old = signed_by(&alice, NOW - 61, "n", "/v1/chat");
		let Err(Refusal::CallerUnauthenticated(message)) = check(&old, "/v1/chat") else {
			panic!("accepted")
		};
		assert!(message.contains("is 61s from the gateway's clock"), "{message}");
		assert!(check(&signed_by(&alice, NOW + 61, "n", "/v1/chat"), "/v1/chat").is_err());
	}

	#[test]
	fn malformed_headers_say_what_is_wrong() {
		let message = |map: &HeaderMap| match check(map, "/") {
			Err(Refusal::CallerUnauthenticated(message)) => message,
			other => panic!("{other:?}"),
		};
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let good = signed_by(&alice, NOW, "n", "/");
		let mut missing = good.clone();
		missing.remove(NONCE_HEADER);
		assert!(message(&missing).contains("(agora-caller-nonce is missing)"));
		let mut bad = good.clone();
		bad.insert(CALLER_HEADER, HeaderValue::from_static("alice"));
		assert_eq!(message(&bad), "Agora-Caller 'alice' is not an SS58 address");
		bad.insert(CALLER_HEADER, HeaderValue::from_static("0x1234"));
		assert_eq!(message(&bad), "Agora-Caller: 0x… must be 32 bytes of hex");
		let mut bad = good.clone();
		bad.insert(TIME_HEADER, HeaderValue::from_static("soon"));
		assert_eq!(message(&bad), "Agora-Caller-Time 'soon' is not Unix seconds");
		let mut bad = good.clone();
		bad.insert(NONCE_HEADER, HeaderValue::from_static("no spaces"));
		assert_eq!(message(&bad), "Agora-Caller-Nonce must be 1 to 64 of A-Z a-z 0-9 - _ .");
		bad.insert(NONCE_HEADER, HeaderValue::from_str(&"n".repeat(65)).unwrap());
		assert!(message(&bad).starts_with("Agora-Caller-Nonce must be"));
		let mut bad = good.clone();
		bad.insert(SIGNATURE_HEADER, HeaderValue::from_static("rsa:0x00"));
		assert_eq!(message(&bad), "unknown signature scheme 'rsa' (sr25519, ed25519, ecdsa)");
	}

	#[test]
	fn periods_and_nonce_memory() {
		let free = FreeCalls { allowance: 3, period: 3_600, budget: None, window: 60 };
		assert_eq!(free.period_of(7_199), 1);
		assert_eq!(free.renews_at(7_199), 7_200);
		let caller = Caller { account: AccountId::new([1; 32]), time: 7_000, nonce: "n".into() };
		let request = free.request(&caller, 7_030);
		assert_eq!((request.period, request.nonce_expires_at, request.allowance), (1, 7_121, 3));
	}
}
