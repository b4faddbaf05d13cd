"""Receipt keys from secret URIs, derived the way Substrate derives them.

A channel names the key that signs its receipts (``ReceiptSigner``): sr25519, ed25519 or
ecdsa. ``key_from_uri("//Alice", "ed25519")`` gives the same key as ``subkey`` or
``@polkadot/keyring`` for the same URI: sr25519 through substrate-interface, ed25519 and
ecdsa through Substrate's hard derivation (``Ed25519HDKD`` / ``Secp256k1HDKD``), which
substrate-interface does not implement. ecdsa signs the blake2-256 of the message, as
Substrate verifies it (substrate-interface's ecdsa signs its keccak-256).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal, Protocol

from bip39 import bip39_to_mini_secret
from eth_keys import keys as eth_keys
from substrateinterface import Keypair, KeypairType

Scheme = Literal["sr25519", "ed25519", "ecdsa"]

#: The mnemonic of Substrate's development accounts (``//Alice`` …).
DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"


class ReceiptKey(Protocol):
    """What signs receipts: its scheme, public key, and a signature of a payload."""

    scheme: Scheme
    public_key: bytes

    def sign(self, payload: bytes) -> bytes: ...


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def _compact_len(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    return ((n << 2) | 2).to_bytes(4, "little")


def _chain_code(junction: str) -> bytes:
    """A junction's 32-byte chain code: a number as u64 LE, else the SCALE string."""
    if junction.isdigit() and int(junction) < 1 << 64:
        encoded = int(junction).to_bytes(8, "little")
    else:
        encoded = _compact_len(len(junction.encode())) + junction.encode()
    return encoded.ljust(32, b"\0") if len(encoded) <= 32 else blake2_256(encoded)


_URI = re.compile(r"^(?P<phrase>[^/]*)(?P<path>(//?[^/]+)*)$")


def _seed_and_path(uri: str) -> tuple[bytes, list[tuple[bool, str]]]:
    if "///" in uri:
        raise ValueError("secret URIs with a password (///) are not supported")
    match = _URI.match(uri.strip())
    if not match:
        raise ValueError("not a secret URI")
    phrase = match["phrase"].strip() or DEV_PHRASE
    if phrase.startswith("0x"):
        seed = bytes.fromhex(phrase[2:])
        if len(seed) != 32:
            raise ValueError("a seed is 32 bytes")
    else:
        seed = bytes(bip39_to_mini_secret(phrase, ""))
    path = [(part.startswith("//"), part.lstrip("/")) for part in re.findall(r"//?[^/]+", match["path"])]
    return seed, path


def _hard_derived_seed(uri: str, tag: bytes) -> bytes:
    seed, path = _seed_and_path(uri)
    for hard, junction in path:
        if not hard:
            raise ValueError("ed25519 and ecdsa keys only have hard derivations (//)")
        seed = blake2_256(_compact_len(len(tag)) + tag + seed + _chain_code(junction))
    return seed


@dataclass(frozen=True)
class KeypairKey:
    """An sr25519 or ed25519 key held by a substrate-interface ``Keypair``."""

    keypair: Keypair
    scheme: Scheme

    @property
    def public_key(self) -> bytes:
        return bytes(self.keypair.public_key)

    def sign(self, payload: bytes) -> bytes:
        return bytes(self.keypair.sign(payload))


@dataclass(frozen=True)
class EcdsaKey:
    """A secp256k1 key signing the blake2-256 of the payload (65 bytes: r, s, recovery id)."""

    private_key: bytes
    scheme: Scheme = "ecdsa"

    @property
    def public_key(self) -> bytes:
        return eth_keys.PrivateKey(self.private_key).public_key.to_compressed_bytes()

    def sign(self, payload: bytes) -> bytes:
        return eth_keys.PrivateKey(self.private_key).sign_msg_hash(blake2_256(payload)).to_bytes()


def key_from_uri(uri: str, scheme: Scheme = "sr25519") -> ReceiptKey:
    """The receipt key of secret URI ``uri`` (``//Alice``, ``mnemonic//hard``, ``0x`` seed)."""
    if scheme == "sr25519":
        return KeypairKey(Keypair.create_from_uri(uri, ss58_format=4242), "sr25519")
    if scheme == "ed25519":
        seed = _hard_derived_seed(uri, b"Ed25519HDKD")
        return KeypairKey(Keypair.create_from_seed(seed.hex(), crypto_type=KeypairType.ED25519), "ed25519")
    if scheme == "ecdsa":
        return EcdsaKey(_hard_derived_seed(uri, b"Secp256k1HDKD"))
    raise ValueError(f"unknown signature scheme {scheme!r} (sr25519, ed25519, ecdsa)")
