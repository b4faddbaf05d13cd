"""An Agora node: the ``agora_*`` JSON-RPC (docs/rpc.md) and the payment-channel
transactions, through substrate-interface (which reads the runtime's metadata, so calls
are encoded as the running runtime expects)."""

from __future__ import annotations

from typing import Any, Optional

from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.base import ExtrinsicReceipt
from substrateinterface.exceptions import SubstrateRequestException

from agora.keys import ReceiptKey
from agora.receipt import SignedReceipt, receipt_signer

#: Agora's SS58 address prefix.
SS58_PREFIX = 4242
#: The ``agora_getChannel`` / ``agora_getService`` error code for "no such thing".
NOT_FOUND = 4004


class RpcError(Exception):
    """The node answered a JSON-RPC call with an error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"{method}: error {code}: {message}")
        self.method, self.code, self.message = method, code, message


class DispatchFailed(Exception):
    """A transaction was included but its dispatch failed (``error`` names the pallet error)."""

    def __init__(self, call: str, error: Any) -> None:
        # substrate-interface gives a pallet error as {"type": "Module", "name": …, "docs": …}.
        name = error.get("name", error) if isinstance(error, dict) else error
        super().__init__(f"{call}: dispatch failed: {name}")
        self.error = error


class Agora:
    """A connection to ``agora-node`` (``ws://`` or ``http://`` URL)."""

    def __init__(self, url: str) -> None:
        self.substrate = SubstrateInterface(url=url, ss58_format=SS58_PREFIX)

    @property
    def genesis_hash(self) -> bytes:
        return bytes.fromhex(self.substrate.get_block_hash(0)[2:])

    def rpc(self, method: str, params: list[Any]) -> Any:
        try:
            answer = self.substrate.rpc_request(method, params)
        except SubstrateRequestException as exception:
            # substrate-interface raises the JSON-RPC error object itself.
            error = exception.args[0] if exception.args and isinstance(exception.args[0], dict) else {}
            raise RpcError(method, error.get("code", 0), error.get("message", str(exception))) from exception
        if "error" in answer:
            error = answer["error"]
            raise RpcError(method, error.get("code", 0), error.get("message", ""))
        return answer["result"]

    # --- agora_* ----------------------------------------------------------------------
    def version(self) -> dict[str, Any]:
        return self.rpc("agora_version", [])

    def get_provider(self, account: str) -> dict[str, Any]:
        return self.rpc("agora_getProvider", [account])

    def list_channels(self, query: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        return self.rpc("agora_listChannels", [query or {}])

    def pending_rewards(self, account: str) -> dict[str, Any]:
        return self.rpc("agora_pendingRewards", [account])

    def list_proposals(self, query: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        return self.rpc("agora_listProposals", [query or {}])

    def get_service(self, service_id: int) -> dict[str, Any]:
        return self.rpc("agora_getService", [service_id])

    def list_services(self, query: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        return self.rpc("agora_listServices", [query or {}])

    def quote(self, service_id: int, units: int) -> dict[str, Any]:
        return self.rpc("agora_quote", [service_id, units])

    def get_channel(self, channel_id: int) -> Optional[dict[str, Any]]:
        """Channel ``channel_id``, or ``None`` when it does not exist (never opened, or closed)."""
        try:
            return self.rpc("agora_getChannel", [channel_id])
        except RpcError as error:
            if error.code == NOT_FOUND:
                return None
            raise

    def verify_receipt(self, signed: SignedReceipt) -> dict[str, Any]:
        """Whether the payee could claim ``signed`` now, and for how much."""
        signature = {signed.scheme: "0x" + signed.signature.hex()}
        return self.rpc(
            "agora_verifyReceipt", [signed.receipt.channel_id, signed.receipt.cumulative_units, signature]
        )

    # --- transactions -----------------------------------------------------------------
    def submit(self, account: Keypair, module: str, function: str, params: dict[str, Any]) -> ExtrinsicReceipt:
        """Signs and sends a call, waits for its block; raises ``DispatchFailed`` on failure."""
        call = self.substrate.compose_call(module, function, params)
        extrinsic = self.substrate.create_signed_extrinsic(call=call, keypair=account)
        receipt = self.substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
        if not receipt.is_success:
            raise DispatchFailed(f"{module}.{function}", receipt.error_message)
        return receipt

    @staticmethod
    def _event(receipt: ExtrinsicReceipt, module: str, name: str) -> dict[str, Any]:
        for event in receipt.triggered_events:
            value = event.value
            if value["module_id"] == module and value["event_id"] == name:
                return value["attributes"]
        raise LookupError(f"no {module}.{name} event")

    def open_channel(
        self,
        consumer: Keypair,
        service_id: int,
        deposit: int,
        duration: int,
        signer: ReceiptKey,
        agreed_price: dict[str, Any],
    ) -> dict[str, Any]:
        """Opens a channel whose receipts ``signer`` signs, at no more than ``agreed_price``
        (``{"unit": …, "perUnit": …}`` as ``get_service`` shows it). Returns the
        ``ChannelOpened`` event's fields (``channel_id``, ``expires_at``, ``price_per_unit``…)."""
        price = {"unit": agreed_price["unit"], "per_unit": int(agreed_price["perUnit"])}
        receipt = self.submit(
            consumer,
            "Metering",
            "open_channel",
            {
                "service_id": service_id,
                "deposit": deposit,
                "duration": duration,
                "signer": receipt_signer(signer),
                "agreed_price": price,
            },
        )
        return self._event(receipt, "Metering", "ChannelOpened")

    def top_up(self, consumer: Keypair, channel_id: int, amount: int) -> dict[str, Any]:
        receipt = self.submit(consumer, "Metering", "top_up", {"channel_id": channel_id, "amount": amount})
        return self._event(receipt, "Metering", "ChannelToppedUp")

    def extend(self, consumer: Keypair, channel_id: int, expires_at: int) -> dict[str, Any]:
        receipt = self.submit(
            consumer, "Metering", "extend", {"channel_id": channel_id, "new_expires_at": expires_at}
        )
        return self._event(receipt, "Metering", "ChannelExtended")

    def claim(self, payee: Keypair, signed: SignedReceipt, close: bool = False) -> dict[str, Any]:
        receipt = self.submit(payee, "Metering", "claim", {**signed.call_args(), "close": close})
        return self._event(receipt, "Metering", "ChannelClaimed")

    def claim_batch(self, payee: Keypair, signed: list[SignedReceipt]) -> ExtrinsicReceipt:
        # scalecodec reads a BoundedVec as a one-field composite: its list goes in a list.
        return self.submit(payee, "Metering", "claim_batch", {"items": [[s.call_args() for s in signed]]})

    def reclaim(self, consumer: Keypair, channel_id: int) -> dict[str, Any]:
        receipt = self.submit(consumer, "Metering", "reclaim", {"channel_id": channel_id})
        return self._event(receipt, "Metering", "ChannelReclaimed")

    def best_block(self) -> int:
        return int(self.substrate.get_block_number(None))
