"""Free-call headers: the shared ed25519 vector (the JS client and the gateway's Rust
tests check the same), and sr25519 and ecdsa keys."""

import re

import pytest
from substrateinterface import Keypair, KeypairType

from agora.free_call import caller_account, free_call_headers, free_call_text
from agora.keys import blake2_256, key_from_uri

GENESIS = "0x" + "11" * 32
TEXT = f"agora/free-call/v1:{GENESIS}:3:1764460800:n-1:POST:/v1/chat/completions"
ALICE_ED25519 = "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
ALICE_ED25519_SIGNATURE = (
    "829221878342590fb77b6663d3ffad3532645fc354b7681e882be46090149aa6"
    "13138455145ea1b70861fdbcd904c4d789dad0f58e9a48488ce97913331b9e07"
)


def test_the_text_names_chain_service_time_nonce_method_and_path() -> None:
    assert free_call_text(GENESIS, 3, 1_764_460_800, "n-1", "post", "/v1/chat/completions") == TEXT
    assert free_call_text(bytes([0x11]) * 32, 3, 1_764_460_800, "n-1", "POST", "/v1/chat/completions") == TEXT
    with pytest.raises(ValueError, match="path must start with"):
        free_call_text(GENESIS, 3, 1, "n", "POST", "v1/chat")


def test_ed25519_alice_signs_the_shared_vector() -> None:
    key = key_from_uri("//Alice", "ed25519")
    headers = free_call_headers(key, GENESIS, 3, "/v1/chat/completions", nonce="n-1", time=1_764_460_800)
    assert headers == {
        "Agora-Caller": "0x" + ALICE_ED25519,
        "Agora-Caller-Time": "1764460800",
        "Agora-Caller-Nonce": "n-1",
        "Agora-Caller-Signature": "ed25519:0x" + ALICE_ED25519_SIGNATURE,
    }


def test_sr25519_signs_with_a_new_nonce_each_time_and_ecdsa_names_its_hashed_key() -> None:
    key = key_from_uri("//Caller", "sr25519")
    first = free_call_headers(key, GENESIS, 3, "/x")
    second = free_call_headers(key, GENESIS, 3, "/x")
    assert re.fullmatch(r"[0-9a-f]{24}", first["Agora-Caller-Nonce"])
    assert first["Agora-Caller-Nonce"] != second["Agora-Caller-Nonce"]
    text = free_call_text(GENESIS, 3, int(first["Agora-Caller-Time"]), first["Agora-Caller-Nonce"], "POST", "/x")
    scheme, signature = first["Agora-Caller-Signature"].split(":")
    assert scheme == "sr25519"
    public = Keypair(public_key=key.public_key, ss58_format=42, crypto_type=KeypairType.SR25519)
    assert public.verify(text.encode(), bytes.fromhex(signature[2:]))
    ecdsa = key_from_uri("//Caller", "ecdsa")
    assert caller_account(ecdsa) == "0x" + blake2_256(ecdsa.public_key).hex()
