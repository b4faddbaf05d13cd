"""The service metadata document (docs/service-metadata.md): where a listed service
answers and what it is, off chain at the listing's ``metadataUri``, bound to the listing
by ``metadataHash`` = blake2-256 of its exact bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlparse

import requests

from agora.chain import Agora
from agora.keys import blake2_256

SERVICE_METADATA_SCHEMA = "agora/service-metadata/v1"
API_KINDS = ("openai-chat", "openai-embeddings", "openai-images", "custom")


class MetadataMismatch(Exception):
    """The document fetched is not the one the listing names (its hash differs)."""

    def __init__(self, service_id: int, expected: str, actual: str) -> None:
        super().__init__(
            f"service {service_id}: the metadata document's blake2-256 is {actual}, the listing says {expected}"
        )
        self.service_id, self.expected, self.actual = service_id, expected, actual


class InvalidMetadata(Exception):
    """The document is not a valid ``agora/service-metadata/v1`` document."""


def metadata_hash(document: bytes) -> str:
    """What a listing's ``metadataHash`` must be for ``document``: its blake2-256, 0x-hex."""
    return "0x" + blake2_256(document).hex()


def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and urlparse(value).scheme in ("http", "https") and bool(urlparse(value).netloc)


def check_service_metadata(document: Any) -> dict[str, Any]:
    """Returns ``document`` if it is a valid v1 document, else raises ``InvalidMetadata``."""
    if not isinstance(document, dict):
        raise InvalidMetadata("the document is not a JSON object")
    if document.get("schema") != SERVICE_METADATA_SCHEMA:
        raise InvalidMetadata(f'schema is {document.get("schema")!r}, not "{SERVICE_METADATA_SCHEMA}"')
    if not isinstance(document.get("name"), str) or not document["name"]:
        raise InvalidMetadata("name must be a non-empty string")
    if document.get("api") not in API_KINDS:
        raise InvalidMetadata(f"api must be one of {', '.join(API_KINDS)}")
    endpoints = document.get("endpoints")
    if not isinstance(endpoints, list) or not endpoints:
        raise InvalidMetadata("endpoints must list at least one endpoint")
    for i, endpoint in enumerate(endpoints):
        if not isinstance(endpoint, dict) or not _is_http_url(endpoint.get("url")):
            raise InvalidMetadata(f"endpoints[{i}].url must be an http(s) URL")
        # Clients send receipts to the gateway: a javascript: or file: URL is not one.
        if "gateway" in endpoint and not _is_http_url(endpoint["gateway"]):
            raise InvalidMetadata(f"endpoints[{i}].gateway must be an http(s) URL")
    return document


@dataclass(frozen=True)
class DiscoveredService:
    service: dict[str, Any]
    metadata: dict[str, Any]
    #: Where calls go: the first endpoint's URL, without a trailing slash.
    endpoint: str


def discover_service(
    agora: Agora, service_id: int, session: Optional[requests.Session] = None
) -> DiscoveredService:
    """Service ``service_id`` as listed and its metadata document, checked against the
    listing's hash (``MetadataMismatch``) and the schema (``InvalidMetadata``)."""
    service = agora.get_service(service_id)
    uri = service["metadataUri"]
    if not _is_http_url(uri):
        raise InvalidMetadata(f"service {service_id}'s metadataUri {uri!r} is not an http(s) URL")
    response = (session or requests).get(uri, timeout=30)
    if not response.ok:
        raise InvalidMetadata(f"{uri}: HTTP {response.status_code}")
    actual = metadata_hash(response.content)
    if actual != service["metadataHash"]:
        raise MetadataMismatch(service_id, service["metadataHash"], actual)
    try:
        document = json.loads(response.content)
    except ValueError as error:
        raise InvalidMetadata(f"the document is not JSON: {error}") from error
    metadata = check_service_metadata(document)
    return DiscoveredService(service, metadata, metadata["endpoints"][0]["url"].rstrip("/"))
