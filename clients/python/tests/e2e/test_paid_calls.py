"""Paid AI calls from Python, given only a service id and a funded key: no URL is
written here, the client finds the gateway in the service's metadata document.

Run by ``tests/e2e/paying-clients.test.js`` (``./scripts/test.sh``), which starts a dev
chain, a stub OpenAI-style service behind ``agora-gateway`` and the metadata documents,
and passes: ``AGORA_NODE_URL``, ``AGORA_SERVICE_ID``, ``AGORA_PAYER_URI``,
``AGORA_BAD_SERVICE_ID`` (a listing whose document does not match its hash),
``AGORA_DIRECT_SERVICE_ID`` / ``AGORA_DIRECT_PAYEE_URI`` (a service without a gateway,
and its provider's key) and ``AGORA_RESULT_FILE`` (where the test writes what it spent,
for the suite to check the provider's claim against)."""

import json
import os
import time

import pytest
from substrateinterface import Keypair

from agora import Agora, DispatchFailed, MetadataMismatch, PayingClient, Receipt, key_from_uri


def setting(name: str) -> str:
    value = os.environ.get(name)
    assert value, f"${name} is set by tests/e2e/paying-clients.test.js, which runs this test"
    return value


def test_three_paid_calls_one_streamed() -> None:
    # region python-paid-call
    agora = Agora(os.environ["AGORA_NODE_URL"])
    payer = Keypair.create_from_uri(os.environ["AGORA_PAYER_URI"], ss58_format=4242)
    client = PayingClient.connect(
        agora,
        service_id=int(os.environ["AGORA_SERVICE_ID"]),
        account=payer,  # pays the deposit and the fees
        app_key=key_from_uri(os.environ["AGORA_PAYER_URI"] + "//app"),  # signs the receipts
        deposit=10**12,  # 1 AGR, also what a top-up adds
        duration=1_000,  # blocks
    )
    question = {"model": "tiny", "messages": [{"role": "user", "content": "Hello?"}]}
    answer = client.post("/chat/completions", json=question).json()
    words = [
        event["choices"][0]["delta"]["content"]
        for event in client.stream("/chat/completions", json={**question, "stream": True})
        if isinstance(event, dict) and event.get("choices")
    ]
    spent = client.settle()  # planck the provider can claim: every receipt signed
    # endregion python-paid-call
    assert setting("AGORA_NODE_URL") and answer["usage"]["total_tokens"] == 1_000
    assert len(words) == 20
    assert client.post("/chat/completions", json=question).status_code == 200
    spent = client.settle()
    # Three calls of 1,000 tokens: 3 units owed; all of them signed for.
    assert client.owed_units == 3
    assert client.signed_units >= client.owed_units
    assert spent == client.signed_units * client.price["perUnit"]
    with open(setting("AGORA_RESULT_FILE"), "w") as result:
        json.dump({"channelId": client.channel_id, "spent": str(spent), "signedUnits": client.signed_units}, result)


def test_a_listing_whose_document_does_not_match_its_hash_is_refused() -> None:
    agora = Agora(setting("AGORA_NODE_URL"))
    payer = Keypair.create_from_uri(setting("AGORA_PAYER_URI"), ss58_format=4242)
    with pytest.raises(MetadataMismatch):
        PayingClient.connect(
            agora,
            service_id=int(setting("AGORA_BAD_SERVICE_ID")),
            account=payer,
            app_key=key_from_uri("//anyone"),
            deposit=10**12,
            duration=1_000,
        )


def test_channel_transactions_from_open_to_reclaim() -> None:
    """open_channel, top_up, verify_receipt, claim, claim_batch, extend and reclaim on a
    service of ``AGORA_DIRECT_PAYEE_URI`` (no gateway: the payee claims itself)."""
    agora = Agora(setting("AGORA_NODE_URL"))
    consumer = Keypair.create_from_uri(setting("AGORA_PAYER_URI"), ss58_format=4242)
    payee = Keypair.create_from_uri(setting("AGORA_DIRECT_PAYEE_URI"), ss58_format=4242)
    service_id = int(setting("AGORA_DIRECT_SERVICE_ID"))
    service = agora.get_service(service_id)
    app = key_from_uri(setting("AGORA_PAYER_URI") + "//direct", "ed25519")
    opened = agora.open_channel(consumer, service_id, 10**12, 5, app, service["price"])
    channel_id = int(opened["channel_id"])
    price = int(opened["price_per_unit"])
    assert agora.top_up(consumer, channel_id, 10**12)["deposit"] == 2 * 10**12
    genesis = agora.genesis_hash
    two = Receipt(genesis, channel_id, 2).sign(app)
    check = agora.verify_receipt(two)
    assert check["valid"] is True, check
    assert int(agora.claim(payee, two)["amount"]) == 2 * price
    five = Receipt(genesis, channel_id, 5).sign(app)
    agora.claim_batch(payee, [five])
    channel = agora.get_channel(channel_id)
    assert channel is not None and int(channel["claimed"]) == 5 * price
    assert int(agora.extend(consumer, channel_id, channel["expiresAt"] + 1)["expires_at"]) == channel["expiresAt"] + 1
    with pytest.raises(DispatchFailed, match="ChannelNotExpired"):
        agora.reclaim(consumer, channel_id)
    while agora.best_block() <= channel["expiresAt"] + 1:
        time.sleep(1)
    refunded = agora.reclaim(consumer, channel_id)["refunded"]
    assert int(refunded) == 2 * 10**12 - 5 * price
    assert agora.get_channel(channel_id) is None
