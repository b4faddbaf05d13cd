//! The receipt a paid request carries in its headers:
//!
//! ```text
//! Agora-Channel: 7
//! Agora-Units: 1200
//! Agora-Signature: sr25519:0x4a1f…
//! ```
//!
//! `Agora-Units` is the channel's cumulative units, and the signature is the channel
//! signer's signature of the 64-byte receipt payload (`docs/payments.md`), prefixed by
//! its scheme (`sr25519`, `ed25519` or `ecdsa`).

use agora_primitives::ChannelId;
use agora_rpc::json::SignatureJson;
use axum::http::HeaderMap;
use sp_runtime::MultiSignature;

use crate::ledger::Refusal;

/// The channel header.
pub const CHANNEL_HEADER: &str = "agora-channel";
/// The cumulative units header.
pub const UNITS_HEADER: &str = "agora-units";
/// The signature header.
pub const SIGNATURE_HEADER: &str = "agora-signature";
/// Response header: the channel's cumulative units owed after this call.
pub const OWED_HEADER: &str = "agora-owed-units";
/// Response header: the units this call used.
pub const CALL_UNITS_HEADER: &str = "agora-call-units";

/// A receipt as a request presented it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedReceipt {
	pub channel_id: ChannelId,
	pub cumulative_units: u64,
	pub signature: MultiSignature,
}

/// Reads the receipt headers of a request.
pub fn from_headers(headers: &HeaderMap) -> Result<PresentedReceipt, Refusal> {
	let text = |name: &str| -> Result<Option<&str>, Refusal> {
		headers
			.get(name)
			.map(|value| {
				value.to_str().map(str::trim).map_err(|_| {
					Refusal::MalformedReceipt(format!("the {name} header is not text"))
				})
			})
			.transpose()
	};
	let (channel, units, signature) =
		match (text(CHANNEL_HEADER)?, text(UNITS_HEADER)?, text(SIGNATURE_HEADER)?) {
			(None, None, None) => return Err(Refusal::MissingReceipt),
			(Some(c), Some(u), Some(s)) => (c, u, s),
			_ => return Err(Refusal::MalformedReceipt(
				"a receipt needs all three headers: Agora-Channel, Agora-Units, Agora-Signature"
					.into(),
			)),
		};
	let number = |name: &str, value: &str| {
		value.parse::<u64>().map_err(|_| {
			Refusal::MalformedReceipt(format!("{name} '{value}' is not a whole number"))
		})
	};
	Ok(PresentedReceipt {
		channel_id: number("Agora-Channel", channel)?,
		cumulative_units: number("Agora-Units", units)?,
		signature: parse_signature(signature).map_err(Refusal::MalformedReceipt)?,
	})
}

/// A signature written `scheme:0x…`.
pub fn parse_signature(text: &str) -> Result<MultiSignature, String> {
	let (scheme, hex) = text
		.split_once(':')
		.ok_or_else(|| format!("Agora-Signature '{text}' is not 'scheme:0x…'"))?;
	let json = match scheme {
		"sr25519" => SignatureJson::Sr25519(hex.into()),
		"ed25519" => SignatureJson::Ed25519(hex.into()),
		"ecdsa" => SignatureJson::Ecdsa(hex.into()),
		other => {
			return Err(format!("unknown signature scheme '{other}' (sr25519, ed25519, ecdsa)"))
		},
	};
	json.to_multi_signature().map_err(|e| format!("Agora-Signature: {e}"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::http::HeaderValue;

	fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
		let mut map = HeaderMap::new();
		for (name, value) in pairs {
			map.insert(*name, HeaderValue::from_str(value).unwrap());
		}
		map
	}

	const SIG: &str = "0x0101010101010101010101010101010101010101010101010101010101010101\
	                   0202020202020202020202020202020202020202020202020202020202020202";

	#[test]
	fn reads_all_three_headers() {
		let signature = format!("sr25519:{SIG}");
		let map = headers(&[
			("agora-channel", "7"),
			("agora-units", " 1200 "),
			("agora-signature", &signature),
		]);
		let receipt = from_headers(&map).unwrap();
		assert_eq!(receipt.channel_id, 7);
		assert_eq!(receipt.cumulative_units, 1200);
		let MultiSignature::Sr25519(sig) = receipt.signature else { panic!("not sr25519") };
		assert_eq!(sig.0[..32], [1u8; 32]);
		assert_eq!(sig.0[32..], [2u8; 32]);
	}

	#[test]
	fn no_headers_is_missing_and_some_is_malformed() {
		assert_eq!(from_headers(&HeaderMap::new()), Err(Refusal::MissingReceipt));
		let partial = from_headers(&headers(&[("agora-channel", "7")]));
		assert!(matches!(partial, Err(Refusal::MalformedReceipt(m)) if m.contains("all three")));
	}

	#[test]
	fn malformed_values_say_which() {
		let signature = format!("sr25519:{SIG}");
		let bad_units = headers(&[
			("agora-channel", "7"),
			("agora-units", "-1"),
			("agora-signature", &signature),
		]);
		assert_eq!(
			from_headers(&bad_units),
			Err(Refusal::MalformedReceipt("Agora-Units '-1' is not a whole number".into()))
		);
		assert_eq!(
			parse_signature(SIG).unwrap_err(),
			format!("Agora-Signature '{SIG}' is not 'scheme:0x…'")
		);
		assert_eq!(
			parse_signature(&format!("rsa:{SIG}")).unwrap_err(),
			"unknown signature scheme 'rsa' (sr25519, ed25519, ecdsa)"
		);
		assert_eq!(
			parse_signature("ecdsa:0x0102").unwrap_err(),
			"Agora-Signature: the signature is 2 bytes, not 65"
		);
	}
}
