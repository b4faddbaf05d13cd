"""Free trial calls through ``agora-gateway`` (``docs/gateway.md``, "Free trial calls").

A provider may give each account a few calls per period: no channel, no AGR. The caller's
account signs the request instead of a receipt::

    headers = free_call_headers(key_from_uri(seed), genesis_hash, service_id, "/v1/chat/completions")
    requests.post(gateway + "/v1/chat/completions", json=body, headers=headers)
"""

from __future__ import annotations

import secrets
import time as _time

from agora.keys import ReceiptKey, blake2_256
from agora.receipt import _hash32


def free_call_text(
    genesis_hash: bytes | str, service_id: int, time: int, nonce: str, method: str, path: str
) -> str:
    """The text a caller signs:
    ``agora/free-call/v1:{genesis hash}:{service id}:{time}:{nonce}:{METHOD}:{path and query}``."""
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/': {path!r}")
    genesis = "0x" + _hash32(genesis_hash).hex()
    return f"agora/free-call/v1:{genesis}:{service_id}:{time}:{nonce}:{method.upper()}:{path}"


def caller_account(key: ReceiptKey) -> str:
    """The key's account as ``0x`` + 32 bytes hex: its public key (sr25519, ed25519), or
    the blake2-256 of it (ecdsa)."""
    account = blake2_256(key.public_key) if key.scheme == "ecdsa" else key.public_key
    return "0x" + account.hex()


def free_call_headers(
    key: ReceiptKey,
    genesis_hash: bytes | str,
    service_id: int,
    path: str,
    *,
    method: str = "POST",
    nonce: str | None = None,
    time: int | None = None,
) -> dict[str, str]:
    """``Agora-Caller``, ``Agora-Caller-Time``, ``Agora-Caller-Nonce`` and
    ``Agora-Caller-Signature`` for a free call to ``path`` (and query). A request is good
    once: sign every request anew (a new nonce each time, by default)."""
    nonce = secrets.token_hex(12) if nonce is None else nonce
    time = int(_time.time()) if time is None else time
    text = free_call_text(genesis_hash, service_id, time, nonce, method, path)
    return {
        "Agora-Caller": caller_account(key),
        "Agora-Caller-Time": str(time),
        "Agora-Caller-Nonce": nonce,
        "Agora-Caller-Signature": f"{key.scheme}:0x{key.sign(text.encode()).hex()}",
    }
