"""The service metadata document: its hash and its schema."""

import json

import pytest

from agora.metadata import InvalidMetadata, check_service_metadata, metadata_hash

DOCUMENT = {
    "schema": "agora/service-metadata/v1",
    "name": "llama-chat",
    "api": "openai-chat",
    "endpoints": [{"url": "https://gw.example.com/v1"}],
}


def test_the_hash_is_the_blake2_256_of_the_exact_bytes() -> None:
    # blake2-256 of the empty string, as sp_core::hashing::blake2_256 gives it.
    assert metadata_hash(b"") == "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
    compact = json.dumps(DOCUMENT, separators=(",", ":")).encode()
    assert metadata_hash(compact) != metadata_hash(json.dumps(DOCUMENT).encode())


def test_a_valid_document_passes() -> None:
    assert check_service_metadata(DOCUMENT) is DOCUMENT
    with_gateway = {**DOCUMENT, "endpoints": [{"url": "https://gw.example.com/v1", "gateway": "https://gw.example.com/"}]}
    assert check_service_metadata(with_gateway) is with_gateway


@pytest.mark.parametrize(
    "change, message",
    [
        ({"schema": "agora/service-metadata/v2"}, "schema is"),
        ({"name": ""}, "name must be"),
        ({"api": "grpc"}, "api must be one of"),
        ({"endpoints": []}, "at least one endpoint"),
        ({"endpoints": [{"url": "ftp://x"}]}, r"endpoints\[0\].url"),
        ({"endpoints": [{"url": "https://gw.example.com/v1", "gateway": "file:///etc"}]}, r"endpoints\[0\].gateway must be"),
        ({"endpoints": [{"url": "https://gw.example.com/v1", "gateway": 42}]}, r"endpoints\[0\].gateway"),
        ({"endpoints": [{"url": "https:gw.example.com/v1"}]}, r"endpoints\[0\].url"),
    ],
)
def test_each_wrong_field_is_named(change: dict, message: str) -> None:
    with pytest.raises(InvalidMetadata, match=message):
        check_service_metadata({**DOCUMENT, **change})
    with pytest.raises(InvalidMetadata, match="not a JSON object"):
        check_service_metadata([DOCUMENT])
