"""Usage receipts, byte for byte as ``agora-primitives`` defines them (docs/payments.md).

payload = ``agora/receipt/v1`` (16 ASCII bytes) ‖ genesis hash (32) ‖ channel id (u64 LE)
‖ cumulative units (u64 LE): 64 bytes, signed by the channel's receipt key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agora.keys import ReceiptKey

RECEIPT_DOMAIN = b"agora/receipt/v1"
_U64_MAX = (1 << 64) - 1
_SCHEME_NAMES = {"sr25519": "Sr25519", "ed25519": "Ed25519", "ecdsa": "Ecdsa"}


def _hash32(genesis_hash: bytes | str) -> bytes:
    value = bytes.fromhex(genesis_hash[2:]) if isinstance(genesis_hash, str) else bytes(genesis_hash)
    if len(value) != 32:
        raise ValueError("genesis_hash must be 32 bytes (bytes or 0x-hex)")
    return value


def _u64(value: int, name: str) -> bytes:
    if not 0 <= value <= _U64_MAX:
        raise ValueError(f"{name} must fit in a u64, got {value}")
    return value.to_bytes(8, "little")


@dataclass(frozen=True)
class Receipt:
    """Channel ``channel_id`` has used ``cumulative_units`` in all, on chain ``genesis_hash``."""

    genesis_hash: bytes
    channel_id: int
    cumulative_units: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "genesis_hash", _hash32(self.genesis_hash))
        _u64(self.channel_id, "channel_id")
        _u64(self.cumulative_units, "cumulative_units")

    def payload(self) -> bytes:
        """The 64 bytes the channel's receipt key signs."""
        return (
            RECEIPT_DOMAIN
            + self.genesis_hash
            + _u64(self.channel_id, "channel_id")
            + _u64(self.cumulative_units, "cumulative_units")
        )

    def sign(self, key: ReceiptKey) -> SignedReceipt:
        return SignedReceipt(self, key.scheme, key.sign(self.payload()))


@dataclass(frozen=True)
class SignedReceipt:
    receipt: Receipt
    scheme: str
    signature: bytes

    def headers(self) -> dict[str, str]:
        """``Agora-Channel``, ``Agora-Units``, ``Agora-Signature``: what pays for a gateway call."""
        return {
            "Agora-Channel": str(self.receipt.channel_id),
            "Agora-Units": str(self.receipt.cumulative_units),
            "Agora-Signature": f"{self.scheme}:0x{self.signature.hex()}",
        }

    def call_args(self) -> dict[str, Any]:
        """The ``receipt`` and ``signature`` arguments of ``metering.claim``."""
        return {
            "receipt": {
                "genesis_hash": "0x" + self.receipt.genesis_hash.hex(),
                "channel_id": self.receipt.channel_id,
                "cumulative_units": self.receipt.cumulative_units,
            },
            "signature": {_SCHEME_NAMES[self.scheme]: "0x" + self.signature.hex()},
        }


def receipt_signer(key: ReceiptKey) -> dict[str, str]:
    """The ``ReceiptSigner`` argument of ``metering.open_channel`` for ``key``."""
    return {_SCHEME_NAMES[key.scheme]: "0x" + key.public_key.hex()}


def signs_receipts_of(channel: dict[str, Any], key: ReceiptKey) -> bool:
    """Whether ``key`` signs the receipts of ``channel``, as ``agora_getChannel`` gives it
    (``signer: {scheme, key}``)."""
    ((scheme, public),) = receipt_signer(key).items()
    return channel["signer"] == {"scheme": scheme.lower(), "key": public}
