// The service metadata document (docs/service-metadata.md): where a listed service
// answers and what it is. It lives off chain at the listing's `metadataUri`; the
// listing's `metadataHash` is the blake2-256 of its exact bytes, so a client that
// fetched it can tell whether it is the document the provider listed.
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

/** The `schema` of the documents this version reads. */
export const SERVICE_METADATA_SCHEMA = 'agora/service-metadata/v1';

/** What a service's API speaks. */
export const API_KINDS = Object.freeze(['openai-chat', 'openai-embeddings', 'openai-images', 'custom']);

/** The document fetched is not the one the listing names (its hash differs). */
export class MetadataMismatch extends Error {
  constructor(serviceId, expected, actual) {
    super(`service ${serviceId}: the metadata document's blake2-256 is ${actual}, the listing says ${expected}`);
    this.name = 'MetadataMismatch';
    this.serviceId = serviceId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The document is not a valid `agora/service-metadata/v1` document. */
export class InvalidMetadata extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidMetadata';
  }
}

/** The blake2-256 of `bytes` as 0x-hex: what a listing's `metadataHash` must be. */
export function metadataHash(bytes) {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return u8aToHex(blake2AsU8a(data, 256));
}

/** An absolute http(s) URL with a host, as the schema's `^https?://` and agora-py require. */
export function isHttpUrl(text) {
  try {
    return /^https?:\/\/./i.test(text) && Boolean(new URL(text).host);
  } catch {
    return false;
  }
}

/**
 * The root of the service's agora-gateway, without a trailing slash: the first
 * endpoint's `gateway`, else the origin of its URL.
 * @param {object} metadata a checked metadata document (`checkServiceMetadata`)
 */
export function gatewayOf(metadata) {
  const [first] = metadata.endpoints;
  return (first.gateway ?? new URL(first.url).origin).replace(/\/+$/, '');
}

/**
 * Checks a parsed document against `agora/service-metadata/v1` (the JSON Schema in
 * docs/schemas/service-metadata-v1.schema.json); returns it, or throws `InvalidMetadata`
 * naming the first field that is wrong.
 */
export function checkServiceMetadata(document) {
  const fail = (message) => { throw new InvalidMetadata(message); };
  if (document === null || typeof document !== 'object' || Array.isArray(document)) fail('the document is not a JSON object');
  if (document.schema !== SERVICE_METADATA_SCHEMA) fail(`schema is ${JSON.stringify(document.schema)}, not "${SERVICE_METADATA_SCHEMA}"`);
  if (typeof document.name !== 'string' || !document.name) fail('name must be a non-empty string');
  if (!API_KINDS.includes(document.api)) fail(`api must be one of ${API_KINDS.join(', ')}`);
  if (!Array.isArray(document.endpoints) || document.endpoints.length === 0) fail('endpoints must list at least one endpoint');
  document.endpoints.forEach((endpoint, i) => {
    if (!isHttpUrl(endpoint?.url)) fail(`endpoints[${i}].url must be an http(s) URL`);
    // Clients send receipts to the gateway: a javascript: or file: URL is not one.
    if (endpoint.gateway !== undefined && !isHttpUrl(endpoint.gateway)) fail(`endpoints[${i}].gateway must be an http(s) URL`);
  });
  return document;
}

/**
 * Service `serviceId` as listed on chain (`agora_getService`) and its metadata document,
 * fetched from the listing's `metadataUri` and checked against its `metadataHash`
 * (`MetadataMismatch` otherwise) and the schema (`InvalidMetadata`). `endpoint` is the
 * first endpoint's URL, without a trailing slash.
 * @returns {Promise<{ service: object, metadata: object, endpoint: string }>}
 */
export async function discoverService(api, serviceId, { fetch = globalThis.fetch } = {}) {
  const service = (await api.rpc.agora.getService(serviceId)).toJSON();
  if (!isHttpUrl(service.metadataUri)) {
    throw new InvalidMetadata(`service ${serviceId}'s metadataUri "${service.metadataUri}" is not an http(s) URL`);
  }
  const response = await fetch(service.metadataUri);
  if (!response.ok) throw new InvalidMetadata(`${service.metadataUri}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = metadataHash(bytes);
  if (actual !== service.metadataHash) throw new MetadataMismatch(serviceId, service.metadataHash, actual);
  let document;
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidMetadata(`the document is not JSON: ${error.message}`);
  }
  const metadata = checkServiceMetadata(document);
  return { service, metadata, endpoint: metadata.endpoints[0].url.replace(/\/+$/, '') };
}
