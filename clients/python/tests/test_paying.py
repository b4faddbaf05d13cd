"""PayingClient against a scripted gateway: a gateway that names more units than one call
may cost gets no receipt for them, and only channels the app key signs are adopted."""

import json
import threading
import time
from typing import Any

import pytest
import requests

from agora.keys import key_from_uri
from agora.metadata import DiscoveredService
from agora.paying import PayingClient, PaymentRefused, PriceAboveLimit, SpendLimitExceeded, unit_count
from agora.receipt import receipt_signer, signs_receipts_of

APP_KEY = key_from_uri("//AppKey")
OTHER_KEY = key_from_uri("//Other")


def answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update({"content-type": "application/json", **(headers or {})})
    return response


class ScriptedGateway(requests.Session):
    """Answers each request with ``script(url)`` and records the units of its receipt."""

    def __init__(self, script: Any) -> None:
        super().__init__()
        self.script, self.units = script, []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.units.append(kwargs.get("headers", {}).get("Agora-Units"))
        return self.script(url)


class FakeAgora:
    """A chain at block 50 with ``channels``; records the transactions sent."""

    genesis_hash = bytes([0x11]) * 32

    def __init__(self, channels: dict[int, dict[str, Any]]) -> None:
        self.channels = channels
        self.sent: list[str] = []

    def get_channel(self, channel_id: int) -> Any:
        return self.channels.get(channel_id)

    def best_block(self) -> int:
        return 50

    def open_channel(self, *args: Any) -> dict[str, Any]:
        self.sent.append("open_channel")
        return {"channel_id": 8, "price_per_unit": 5}

    def top_up(self, *args: Any) -> dict[str, Any]:
        self.sent.append("top_up")
        return {}

    def extend(self, *args: Any) -> dict[str, Any]:
        self.sent.append("extend")
        return {}


DISCOVERED = DiscoveredService(
    service={"id": 3, "price": {"unit": "Request", "perUnit": "5"}},
    metadata={"endpoints": [{"url": "http://gateway.test/v1"}]},
    endpoint="http://gateway.test/v1",
)


def client(gateway: ScriptedGateway, max_units_per_call: int | None, channels: dict[int, Any] | None = None) -> PayingClient:
    paying = PayingClient(FakeAgora(channels or {}), DISCOVERED, None, APP_KEY, 1_000, 100, gateway, max_units_per_call)  # type: ignore[arg-type]
    paying.channel_id = 7
    return paying


def test_a_gateway_asking_for_more_than_one_call_may_cost_gets_no_receipt_for_it() -> None:
    gateway = ScriptedGateway(lambda url: answer(402, {"error": "receipt_too_low", "message": "pay", "requiredUnits": 200}))
    paying = client(gateway, 10)
    with pytest.raises(SpendLimitExceeded, match="a receipt of 200 units, more than the 10 one call may cost"):
        paying.post("/chat")
    assert gateway.units == ["0"]
    assert paying.signed_units == 0


def test_an_inflated_owed_count_is_not_handed_in() -> None:
    owed = {"units": 3}

    def script(url: str) -> requests.Response:
        if url.endswith("/agora/receipts"):
            return answer(200, {"signedUnits": owed["units"], "owedUnits": owed["units"]})
        return answer(200, {"ok": True}, {"Agora-Owed-Units": str(owed["units"])})

    gateway = ScriptedGateway(script)
    paying = client(gateway, 10)
    assert paying.post("/chat").status_code == 200
    assert paying.settle() == 15
    owed["units"] = 50
    assert paying.post("/chat").status_code == 200
    with pytest.raises(SpendLimitExceeded):
        paying.settle()
    assert paying.signed_units == 3
    assert gateway.units == ["0", "3", "3"]


def test_a_gateway_naming_more_signed_units_than_it_was_handed_gets_no_receipt_for_them() -> None:
    settled = {"yet": False}

    def script(url: str) -> requests.Response:
        if url.endswith("/agora/receipts"):
            settled["yet"] = True
            return answer(200, {"signedUnits": 190, "owedUnits": 3})
        return answer(200, {"ok": True}, {"Agora-Owed-Units": "4" if settled["yet"] else "3"})

    gateway = ScriptedGateway(script)
    paying = client(gateway, 10)
    paying.post("/chat")
    assert paying.settle() == 15
    assert paying.signed_units == 3
    # The next call pays from the 3 units actually signed, not the 190 claimed.
    paying.post("/chat")
    assert paying.settle() == 20
    assert gateway.units == ["0", "3", "3", "4"]


def scripted(*answers: requests.Response) -> ScriptedGateway:
    replies = iter(answers)
    return ScriptedGateway(lambda url: next(replies))


def refusal(error: str, **fields: Any) -> requests.Response:
    return answer(402, {"error": error, "message": "says the gateway", **fields})


def test_a_channel_given_up_during_a_call_does_not_give_the_next_one_its_allowance_again() -> None:
    # A first call signs 9 units of channel 7. In the next, the gateway calls channel 7
    # unknown (the chain agrees: it was closed) and asks 15 units of the new channel 8: a
    # whole new 15 in one call, past its 10.
    gateway = scripted(
        refusal("receipt_too_low", requiredUnits=9),
        answer(200, {"ok": True}),
        refusal("unknown_channel"),
        refusal("receipt_too_low", requiredUnits=15),
    )
    paying = client(gateway, 10)
    assert paying.post("/chat").status_code == 200
    with pytest.raises(SpendLimitExceeded) as refused:
        paying.post("/chat")
    assert refused.value.units == 15
    assert gateway.units == ["0", "9", "9", "0"]
    assert (paying.channel_id, paying.spent, paying.agora.sent) == (8, 45, ["open_channel"])  # type: ignore[attr-defined]


def test_a_refusal_that_would_act_on_chain_is_checked_against_the_chain_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agora.paying.time.sleep", lambda seconds: None)
    channels = {7: {"deposit": "1000", "expiresAt": 400}}  # 200 units at 5 planck
    for error in ("deposit_exhausted", "receipt_exceeds_deposit", "channel_expiring"):
        paying = client(ScriptedGateway(lambda url, error=error: refusal(error)), 10, channels)
        with pytest.raises(PaymentRefused) as refused:
            paying.post("/chat")
        assert refused.value.reason == error
        assert paying.agora.sent == []  # type: ignore[attr-defined]
    # An honest gateway still holding a reservation says so for a moment: waited out.
    paying = client(scripted(refusal("deposit_exhausted"), answer(200, {"ok": True})), 10, {7: {"deposit": "5000", "expiresAt": 400}})
    assert paying.post("/chat").status_code == 200
    assert paying.agora.sent == []  # type: ignore[attr-defined]
    # Expiring by the chain's count too (block 50, expiry 120, duration 100): extended.
    paying = client(scripted(refusal("channel_expiring"), answer(200, {"ok": True})), 10, {7: {"deposit": "5000", "expiresAt": 120}})
    assert paying.post("/chat").status_code == 200
    assert paying.agora.sent == ["extend"]  # type: ignore[attr-defined]
    # A channel the chain still has is one the gateway has not seen yet: wait, do not open another.
    gateway = scripted(refusal("unknown_channel"), answer(200, {"ok": True}))
    paying = client(gateway, 10, channels)
    assert paying.post("/chat").status_code == 200
    assert (paying.channel_id, paying.agora.sent, len(gateway.units)) == (7, [], 2)  # type: ignore[attr-defined]
    # A deposit that truly cannot pay another call is topped up.
    paying = client(scripted(refusal("deposit_exhausted"), answer(200, {"ok": True})), 10, {7: {"deposit": "40", "expiresAt": 400}})
    assert paying.post("/chat").status_code == 200
    assert paying.agora.sent == ["top_up"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["0x10", " 5", "1_000", "５", "1e3", "-1", 1.5, True, None, [3], 2**64, "18446744073709551616"])
def test_counts_a_gateway_writes_oddly_are_not_counts(value: Any) -> None:
    assert unit_count(value) is None
    paying = client(scripted(refusal("receipt_too_low", requiredUnits=value, owedUnits=value)), 10)
    with pytest.raises(PaymentRefused):
        paying.post("/chat")
    paying = client(scripted(answer(402, {"error": [value], "message": "?"})), 10)
    assert paying.post("/chat").status_code == 402  # not a refusal the client knows: the response is the caller's
    assert unit_count("12") == 12 and unit_count(12) == 12


def test_a_receipt_handed_in_is_counted_even_when_the_gateway_answers_it_with_an_error_page() -> None:
    def script(url: str) -> requests.Response:
        if url.endswith("/agora/receipts"):
            page = answer(500, {})
            page._content = b"<html>oops</html>"
            return page
        return answer(200, {"ok": True}, {"Agora-Owed-Units": "3"})

    paying = client(ScriptedGateway(script), 10)
    paying.post("/chat")
    with pytest.raises(PaymentRefused) as refused:
        paying.settle()
    assert (refused.value.status, refused.value.reason, paying.signed_units, paying.spent) == (500, None, 3, 15)


def test_only_channels_the_app_key_signs_are_adopted() -> None:
    ((_, public),) = receipt_signer(APP_KEY).items()
    ((_, other),) = receipt_signer(OTHER_KEY).items()
    channels = {
        7: {"serviceId": 3, "pricePerUnit": "5", "claimed": "20", "signer": {"scheme": "sr25519", "key": public}},
        8: {"serviceId": 3, "pricePerUnit": "5", "claimed": "0", "signer": {"scheme": "sr25519", "key": other}},
    }
    paying = client(ScriptedGateway(lambda url: answer(200, {})), None, channels)
    paying._adopt(7)
    assert (paying.channel_id, paying.signed_units) == (7, 4)
    with pytest.raises(ValueError, match="channel 8 is not an open channel of service 3 signed by this app key"):
        paying._adopt(8)
    assert signs_receipts_of(channels[7], APP_KEY)
    assert not signs_receipts_of({"signer": {"scheme": "ed25519", "key": public}}, APP_KEY)


def test_an_adopted_channel_priced_above_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Channel 9 was opened at 9 planck a unit, when the service cost more than its 5 now.
    ((_, public),) = receipt_signer(APP_KEY).items()
    channels = {9: {"serviceId": 3, "pricePerUnit": "9", "claimed": "0", "signer": {"scheme": "sr25519", "key": public}}}
    monkeypatch.setattr("agora.paying.discover_service", lambda agora, service_id, session: DISCOVERED)
    with pytest.raises(PriceAboveLimit, match="service 3 costs 9 planck per unit, above the limit of 6"):
        PayingClient.connect(FakeAgora(channels), 3, None, APP_KEY, 1_000, 100, max_price_per_unit=6, channel_id=9)  # type: ignore[arg-type]


def test_calls_from_threads_take_turns_and_open_one_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    agora = FakeAgora({})
    opening = agora.open_channel

    def slow_open(*args: Any) -> dict[str, Any]:
        time.sleep(0.05)  # long enough for a second thread to find no channel, were there no turns
        return opening(*args)

    monkeypatch.setattr(agora, "open_channel", slow_open)
    gateway = ScriptedGateway(lambda url: answer(200, {"ok": True}))
    paying = PayingClient(agora, DISCOVERED, None, APP_KEY, 1_000, 100, gateway, 10)  # type: ignore[arg-type]
    threads = [threading.Thread(target=paying.post, args=("/chat",), kwargs={"headers": None}) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (agora.sent, paying.channel_id, len(gateway.units)) == (["open_channel"], 8, 3)


def test_a_stream_event_that_is_not_json_is_yielded_as_text() -> None:
    body = 'data: {"choices": [\n\ndata: {"ok": true}\n\n'
    response = answer(200, {}, {"content-type": "text/event-stream; charset=utf-8"})
    response.encoding = "utf-8"
    response._content = body.encode()
    response._content_consumed = True  # read from _content, as a fetched body is
    paying = client(ScriptedGateway(lambda url: response), 10)
    assert list(paying.stream("/chat")) == ['{"choices": [', {"ok": True}]
