"""PayingClient against a scripted gateway: a gateway that names more units than one call
may cost gets no receipt for them, and only channels the app key signs are adopted."""

import json
from typing import Any

import pytest
import requests

from agora.keys import key_from_uri
from agora.metadata import DiscoveredService
from agora.paying import PayingClient, SpendLimitExceeded
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
    genesis_hash = bytes([0x11]) * 32

    def __init__(self, channels: dict[int, dict[str, Any]]) -> None:
        self.channels = channels

    def get_channel(self, channel_id: int) -> Any:
        return self.channels.get(channel_id)


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
