"""Receipts byte for byte as docs/payments.md defines them, signed by keys derived as
Substrate derives them."""

import pytest
from substrateinterface import Keypair, KeypairType

from agora.keys import key_from_uri
from agora.receipt import Receipt, receipt_signer

# The worked example of docs/payments.md.
GENESIS = bytes([0x11]) * 32
PAYLOAD = bytes.fromhex(
    "61676f72612f726563656970742f7631"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "0700000000000000dc05000000000000"
)
ALICE_ED25519 = "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
ALICE_ED25519_SIGNATURE = (
    "9a4f09d36be52ca4f75a1bf1768b5d53c4c557e52f64bb6a282504aab598018b"
    "3cb646c367ed1c82f2554220588bb7cc3eaa94332a65228bc6a623479997ab0c"
)


def test_the_payload_is_the_worked_example() -> None:
    assert Receipt(GENESIS, 7, 1_500).payload() == PAYLOAD
    assert Receipt("0x" + "11" * 32, 7, 1_500).payload() == PAYLOAD


def test_an_ed25519_dev_key_signs_the_worked_example() -> None:
    key = key_from_uri("//Alice", "ed25519")
    assert key.public_key.hex() == ALICE_ED25519
    signed = Receipt(GENESIS, 7, 1_500).sign(key)
    assert signed.signature.hex() == ALICE_ED25519_SIGNATURE
    assert signed.headers() == {
        "Agora-Channel": "7",
        "Agora-Units": "1500",
        "Agora-Signature": "ed25519:0x" + ALICE_ED25519_SIGNATURE,
    }
    assert receipt_signer(key) == {"Ed25519": "0x" + ALICE_ED25519}


def test_ecdsa_signs_the_blake2_256_of_the_payload_as_substrate_and_polkadot_js_do() -> None:
    # @polkadot/keyring: new Keyring({ type: 'ecdsa' }).addFromSeed(0x01 × 32).sign(payload)
    key = key_from_uri("0x" + "01" * 32, "ecdsa")
    assert key.public_key.hex() == "031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f"
    assert Receipt(GENESIS, 7, 1_500).sign(key).signature.hex() == (
        "7679a18190ed8bc680ded7c4d5152d9bc1adfff45851a274ae76d203a7ec7970"
        "7ec8ab1fdb96f39b4c6269970241bde9fea27f0f0c18b3897cb37ce8f05feae500"
    )


def test_sr25519_signatures_verify_with_the_public_key() -> None:
    key = key_from_uri("//CharlieApp")
    signed = Receipt(GENESIS, 7, 1_500).sign(key)
    assert len(signed.signature) == 64
    verifier = Keypair(public_key=key.public_key, ss58_format=42, crypto_type=KeypairType.SR25519)
    assert verifier.verify(PAYLOAD, signed.signature)
    assert not verifier.verify(Receipt(GENESIS, 7, 1_501).payload(), signed.signature)
    assert signed.call_args()["signature"] == {"Sr25519": "0x" + signed.signature.hex()}


def test_bad_receipts_and_uris_are_refused() -> None:
    with pytest.raises(ValueError, match="u64"):
        Receipt(GENESIS, -1, 1)
    with pytest.raises(ValueError, match="u64"):
        Receipt(GENESIS, 1, 1 << 64)
    with pytest.raises(ValueError, match="32 bytes"):
        Receipt(b"\x11" * 31, 1, 1)
    with pytest.raises(ValueError, match="only have hard derivations"):
        key_from_uri("//Alice/soft", "ed25519")
    with pytest.raises(ValueError, match="unknown signature scheme"):
        key_from_uri("//Alice", "rsa")  # type: ignore[arg-type]
