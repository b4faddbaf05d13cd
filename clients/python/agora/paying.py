"""A paying HTTP client for a listed service: from a service id, an account and an app
key to paid calls through the provider's ``agora-gateway`` (docs/gateway.md). It finds
the gateway in the service's metadata document (checked against the listing's hash),
opens a channel (or adopts one), signs a receipt for every call, answers every 402 as the
gateway's reason says (pay more, top up, extend, open a new channel), follows the units
owed through streamed responses, and reports what was spent."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any, Iterator, Optional, Union
from urllib.parse import urlparse

import requests
from substrateinterface import Keypair

from agora.chain import Agora
from agora.keys import ReceiptKey
from agora.metadata import DiscoveredService, discover_service
from agora.receipt import Receipt, signs_receipts_of

#: Refusals that a moment's wait may fix.
TRANSIENT = {"overloaded", "chain_unavailable", "store_unavailable", "channel_busy"}
#: Every refusal the gateway answers with.
GATEWAY_REASONS = {
    "missing_receipt", "malformed_receipt", "unknown_channel", "wrong_payee", "wrong_service",
    "bad_signature", "signer_mismatch", "channel_expiring", "receipt_exceeds_deposit",
    "deposit_exhausted", "receipt_too_low", "body_too_large", "request_timeout", *TRANSIENT,
}
ATTEMPTS = 5
#: How long a paid call may take to connect and then go without an answer (seconds),
#: unless ``timeout`` is given: longer than a gateway waits for its upstream (120 s).
CALL_TIMEOUT = (10, 180)
#: The largest count of units a receipt can carry (a u64 on chain).
MAX_UNITS = 2**64 - 1


def unit_count(value: Any) -> Optional[int]:
    """A count of units a gateway wrote (a JSON number or a header's digits), or ``None``
    for anything else: ``"0x10"``, ``" 5"``, ``"1_000"``, ``"５"`` or ``1.5`` are not counts."""
    if isinstance(value, int) and not isinstance(value, bool):
        count = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,20}", value):
        count = int(value)
    else:
        return None
    return count if 0 <= count <= MAX_UNITS else None


class PaymentRefused(Exception):
    """The gateway refused a call for a reason paying cannot fix."""

    def __init__(self, status: int, body: Any) -> None:
        fields = body if isinstance(body, dict) else {}
        super().__init__(f"{status} {fields.get('error', 'refused')}: {fields.get('message', '')}")
        self.status, self.reason, self.body = status, fields.get("error"), body


class PriceAboveLimit(Exception):
    """The service's price is above what the client agreed to pay."""


class SpendLimitExceeded(Exception):
    """The gateway asked for a receipt above what one call may cost
    (``max_units_per_call``): nothing above it was signed."""

    def __init__(self, units: int, limit: int) -> None:
        super().__init__(f"the gateway asked for a receipt of {units} units, more than the {limit} one call may cost")
        self.units, self.limit = units, limit


Event = Union[dict[str, Any], str]


class PayingClient:
    """Pays for calls to one service. Make it with :meth:`connect`."""

    def __init__(
        self,
        agora: Agora,
        discovered: DiscoveredService,
        account: Keypair,
        app_key: ReceiptKey,
        deposit: int,
        duration: int,
        session: requests.Session,
        max_units_per_call: Optional[int] = None,
    ) -> None:
        self.agora = agora
        self.service = discovered.service
        self.metadata = discovered.metadata
        self.endpoint = discovered.endpoint
        first = discovered.metadata["endpoints"][0]
        origin = urlparse(discovered.endpoint)
        #: The agora-gateway itself (receipts without a call).
        self.gateway = first.get("gateway", f"{origin.scheme}://{origin.netloc}").rstrip("/")
        self.price = {"unit": self.service["price"]["unit"], "perUnit": int(self.service["price"]["perUnit"])}
        #: The listed price when the client was made: what every channel it opens agrees to.
        self._agreed_price = dict(self.price)
        #: Calls from several threads take turns until answered (bodies then stream side by
        #: side): each receipt follows from the one before, and a channel is opened once.
        self._turn = threading.Lock()
        self.channel_id: Optional[int] = None
        #: Units the channel owes, as the gateway last said.
        self.owed_units = 0
        #: Units of the best receipt of the channel handed to the gateway: what the provider
        #: can claim from it.
        self.signed_units = 0
        self._account, self._app_key = account, app_key
        self._deposit, self._duration = deposit, duration
        self._session = session
        self._genesis_hash = agora.genesis_hash
        self._required_units = 0
        self._spent_before = 0
        #: Units signed on channels given up earlier: with ``signed_units``, a total that
        #: never goes down.
        self._signed_before = 0
        self._max_units_per_call = max_units_per_call
        #: The units signed on every channel before the current call began.
        self._call_base = 0

    @classmethod
    def connect(
        cls,
        agora: Agora,
        service_id: int,
        account: Keypair,
        app_key: ReceiptKey,
        deposit: int,
        duration: int,
        max_price_per_unit: Optional[int] = None,
        channel_id: Optional[int] = None,
        session: Optional[requests.Session] = None,
        max_units_per_call: Optional[int] = None,
    ) -> PayingClient:
        """Finds service ``service_id`` and its gateway; ``deposit`` (planck) and ``duration``
        (blocks) open channels and top up / extend them. ``channel_id`` adopts an open
        channel of this service signed by ``app_key``. ``max_units_per_call`` bounds what
        one call (and the :meth:`settle` after it) may add to the receipts: a gateway asking
        for more gets :class:`SpendLimitExceeded`, not a receipt; without it a call may
        spend up to the channel's deposit."""
        session = session or requests.Session()
        discovered = discover_service(agora, service_id, session)
        per_unit = int(discovered.service["price"]["perUnit"])
        if max_price_per_unit is not None and per_unit > max_price_per_unit:
            raise PriceAboveLimit(
                f"service {service_id} costs {per_unit} planck per unit, above the limit of {max_price_per_unit}"
            )
        client = cls(agora, discovered, account, app_key, deposit, duration, session, max_units_per_call)
        if channel_id is not None:
            client._adopt(channel_id)
            # A channel opened earlier pays the price of its opening, which may be another.
            if max_price_per_unit is not None and client.price["perUnit"] > max_price_per_unit:
                raise PriceAboveLimit(
                    f"service {service_id} costs {client.price['perUnit']} planck per unit, above the limit of {max_price_per_unit}"
                )
        return client

    @property
    def spent(self) -> int:
        """What the provider can claim from this client, in planck: every receipt handed out
        (for an adopted channel, from what was claimed on it before)."""
        return self._spent_before + self.signed_units * self.price["perUnit"]

    def _adopt(self, channel_id: int) -> None:
        channel = self.agora.get_channel(channel_id)
        if channel is None or channel["serviceId"] != self.service["id"] or not signs_receipts_of(channel, self._app_key):
            raise ValueError(f"channel {channel_id} is not an open channel of service {self.service['id']} signed by this app key")
        self.channel_id = channel_id
        self.price["perUnit"] = int(channel["pricePerUnit"])
        self.signed_units = self.owed_units = int(channel["claimed"]) // self.price["perUnit"]

    def _open(self) -> None:
        opened = self.agora.open_channel(
            self._account, self.service["id"], self._deposit, self._duration, self._app_key, self._agreed_price
        )
        self._spent_before = self.spent
        self._signed_before += self.signed_units
        self.channel_id = int(opened["channel_id"])
        self.price["perUnit"] = int(opened["price_per_unit"])
        self.owed_units = self.signed_units = self._required_units = 0

    def _owed(self, units: Any, channel_id: Optional[int]) -> None:
        """Units the gateway says channel ``channel_id`` owes, if it wrote a count and the
        channel still pays (a late count about a channel given up is not the new one's)."""
        count = unit_count(units)
        if count is not None and channel_id == self.channel_id:
            self.owed_units = max(self.owed_units, count)

    def _headers(self, units: int) -> dict[str, str]:
        """The receipt headers for ``units``, within what the call may add. A receipt handed
        out counts as signed from then on, whatever the answer: the provider can claim it."""
        assert self.channel_id is not None
        added = self._signed_before + units - self._call_base
        if self._max_units_per_call is not None and added > self._max_units_per_call:
            raise SpendLimitExceeded(added, self._max_units_per_call)
        headers = Receipt(self._genesis_hash, self.channel_id, units).sign(self._app_key).headers()
        self.signed_units = max(self.signed_units, units)
        return headers

    def _deposit_short(self) -> bool:
        """Whether a gateway's "the deposit cannot pay" may be true, by the channel on
        chain: what its deposit pays beyond the receipts signed is less than one top-up. The
        client cannot check the gateway's reservations, only bound what believing it locks:
        however often a gateway says so, the channel never holds more than one top-up beyond
        what was signed."""
        assert self.channel_id is not None
        channel = self.agora.get_channel(self.channel_id)
        if channel is None:
            return False
        return int(channel["deposit"]) - self.signed_units * self.price["perUnit"] < self._deposit

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A paid call (``requests`` arguments), retried as the gateway's refusals say.
        With ``stream=True`` the body is read as it arrives; use :meth:`stream` to read
        an event stream and keep track of what it cost."""
        with self._turn:
            return self._paid_call(method, path, **kwargs)

    def _paid_call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        self._call_base = self._signed_before + self.signed_units
        # What an earlier call was asked is no floor for this one (that call signed it, or
        # was refused before it could).
        self._required_units = 0
        kwargs.setdefault("timeout", CALL_TIMEOUT)
        for attempt in range(1, ATTEMPTS + 1):
            if self.channel_id is None:
                self._open()
            channel_id = self.channel_id
            units = max(self.owed_units, self._required_units, self.signed_units)
            headers = {**(kwargs.pop("headers", None) or {}), **self._headers(units)}
            response = self._session.request(method, f"{self.endpoint}{path}", headers=headers, **kwargs)
            kwargs["headers"] = {k: v for k, v in headers.items() if not k.startswith("Agora-")}
            refusal = self._refusal(response)
            if refusal is None:
                self._owed(response.headers.get("Agora-Owed-Units"), channel_id)
                return response
            self._owed(refusal.get("owedUnits"), channel_id)
            if attempt == ATTEMPTS:
                raise PaymentRefused(response.status_code, refusal)
            self._answer(response.status_code, refusal, attempt)
        raise AssertionError("unreachable")

    @staticmethod
    def _refusal(response: requests.Response) -> Optional[dict[str, Any]]:
        if response.status_code not in (402, 408, 413, 429, 503):
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        is_refusal = isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"] in GATEWAY_REASONS
        return body if is_refusal else None

    def _answer(self, status: int, refusal: dict[str, Any], attempt: int) -> None:
        """Acts on a refusal. One that would act on chain (top up, extend, open another
        channel) is checked against the chain first: a gateway saying so is not enough to
        lock more of the consumer's funds or spend its fees."""
        reason = refusal["error"]
        if reason == "receipt_too_low":
            required = unit_count(refusal.get("requiredUnits"))
            required = unit_count(refusal.get("owedUnits")) if required is None else required
            if required is None:
                raise PaymentRefused(status, refusal)
            self._required_units = required
        elif reason in ("deposit_exhausted", "receipt_exceeds_deposit"):
            assert self.channel_id is not None
            # Not short by the chain: the gateway's reservations (abandoned calls) may free
            # up, or it is lying; either way, no top-up.
            if self._deposit_short():
                self.agora.top_up(self._account, self.channel_id, self._deposit)
            else:
                time.sleep(0.25 * attempt)
        elif reason == "channel_expiring":
            assert self.channel_id is not None
            channel = self.agora.get_channel(self.channel_id)
            expires_at = self.agora.best_block() + self._duration
            # Extending to no later than it expires already would only cost a fee: the
            # gateway wants more blocks left than ``duration`` gives.
            if channel is None or expires_at <= int(channel["expiresAt"]):
                message = f"the gateway wants the channel to last longer than {self._duration} blocks from now: use a longer duration"
                raise PaymentRefused(status, {**refusal, "message": message})
            self.agora.extend(self._account, self.channel_id, expires_at)
        elif reason == "unknown_channel":
            assert self.channel_id is not None
            # Closed or reclaimed: the next attempt opens a new one. A channel still open on
            # chain is one the gateway has not seen yet: wait for it instead.
            if self.agora.get_channel(self.channel_id) is None:
                self.channel_id = None
            else:
                time.sleep(0.25 * attempt)
        elif reason in TRANSIENT:
            time.sleep(0.25 * attempt)
        else:
            raise PaymentRefused(status, refusal)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def stream(self, path: str, **kwargs: Any) -> Iterator[Event]:
        """A paid streamed call (``POST``): yields each event's data as it arrives (JSON
        parsed, ``"[DONE]"`` as it is) and reads the gateway's ``agora.usage`` event (not
        yielded) to keep :attr:`owed_units` true."""
        response = self.post(path, stream=True, **kwargs)
        response.raise_for_status()
        channel_id = self.channel_id
        name, data = None, []
        for raw in response.iter_lines(decode_unicode=True):
            line = raw.rstrip("\r")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
            elif line == "" and data:
                text = "\n".join(data)
                event: Event = text
                if text.startswith("{"):
                    try:
                        event = json.loads(text)
                    except ValueError:
                        pass  # not JSON after all: yielded as the text it is
                if name == "agora.usage" and isinstance(event, dict):
                    self._owed(event.get("owedUnits"), channel_id)
                else:
                    if isinstance(event, dict) and isinstance(event.get("error"), dict):
                        self._owed(event.get("owedUnits"), channel_id)
                    yield event
                name, data = None, []

    def settle(self) -> int:
        """Signs what the channel owes and hands it to the gateway without a call, so the
        provider can claim every call made; returns :attr:`spent`."""
        with self._turn:
            return self._settle()

    def _settle(self) -> int:
        if self.channel_id is None or self.owed_units <= self.signed_units:
            return self.spent
        channel_id = self.channel_id
        # Counted as signed once handed out (_headers): never from the count the gateway
        # names, which a gateway could inflate to have the next call sign up to it.
        response = self._session.post(f"{self.gateway}/agora/receipts", headers=self._headers(self.owed_units), timeout=30)
        try:
            view = response.json()
        except ValueError:
            view = None
        if not response.ok:
            raise PaymentRefused(response.status_code, view)
        self._owed(view.get("owedUnits") if isinstance(view, dict) else None, channel_id)
        return self.spent
