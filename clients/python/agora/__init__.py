"""Pay for AI calls on Agora from Python.

- :mod:`agora.receipt`: usage receipts, byte for byte as ``docs/payments.md`` defines
  them, signed with sr25519, ed25519 or ecdsa keys.
- :mod:`agora.keys`: receipt keys from secret URIs (``//Alice``, a mnemonic, a seed).
- :mod:`agora.chain`: the ``agora_*`` RPC and the payment-channel transactions.
- :mod:`agora.metadata`: a listed service's metadata document, checked against its hash.
- :mod:`agora.paying`: an HTTP client that pays for calls through ``agora-gateway``.
- :mod:`agora.free_call`: the signed headers of a free trial call through ``agora-gateway``.
"""

from agora.chain import Agora, DispatchFailed, RpcError
from agora.free_call import free_call_headers
from agora.keys import ReceiptKey, key_from_uri
from agora.metadata import InvalidMetadata, MetadataMismatch, discover_service, metadata_hash
from agora.paying import PayingClient, PaymentRefused, PriceAboveLimit, SpendLimitExceeded
from agora.receipt import RECEIPT_DOMAIN, Receipt, SignedReceipt

__all__ = [
    "Agora",
    "DispatchFailed",
    "InvalidMetadata",
    "MetadataMismatch",
    "PayingClient",
    "PaymentRefused",
    "PriceAboveLimit",
    "RECEIPT_DOMAIN",
    "Receipt",
    "ReceiptKey",
    "RpcError",
    "SignedReceipt",
    "SpendLimitExceeded",
    "discover_service",
    "free_call_headers",
    "key_from_uri",
    "metadata_hash",
]
