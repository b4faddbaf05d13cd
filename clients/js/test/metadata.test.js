import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidMetadata, checkServiceMetadata, gatewayOf, metadataHash } from '../src/index.js';

const DOCUMENT = {
  schema: 'agora/service-metadata/v1',
  name: 'llama-chat',
  api: 'openai-chat',
  endpoints: [{ url: 'https://gw.example.com/v1' }],
};

test('metadataHash is the blake2-256 of the exact bytes', () => {
  // blake2-256 of nothing, as sp_core::hashing::blake2_256 (and agora-py) give it.
  assert.equal(metadataHash(new Uint8Array()), '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
  assert.equal(metadataHash('{}'), metadataHash(new TextEncoder().encode('{}')));
  assert.notEqual(metadataHash(JSON.stringify(DOCUMENT)), metadataHash(JSON.stringify(DOCUMENT, null, 2)));
});

test('a v1 document passes, and each wrong field is named', () => {
  assert.equal(checkServiceMetadata(DOCUMENT), DOCUMENT);
  const withGateway = { ...DOCUMENT, endpoints: [{ url: 'https://gw.example.com/v1', gateway: 'https://gw.example.com/' }] };
  assert.equal(checkServiceMetadata(withGateway), withGateway);
  assert.equal(gatewayOf(withGateway), 'https://gw.example.com');
  assert.equal(gatewayOf(DOCUMENT), 'https://gw.example.com');
  const wrong = [
    [{ schema: 'agora/service-metadata/v2' }, /schema is/],
    [{ name: '' }, /name must be/],
    [{ api: 'grpc' }, /api must be one of/],
    [{ endpoints: [] }, /at least one endpoint/],
    [{ endpoints: [{ url: 'ftp://x' }] }, /endpoints\[0\]\.url/],
    [{ endpoints: [{ url: 'https://gw.example.com/v1', gateway: 'javascript:alert(1)' }] }, /endpoints\[0\]\.gateway must be an http\(s\) URL/],
    [{ endpoints: [{ url: 'https://gw.example.com/v1', gateway: 42 }] }, /endpoints\[0\]\.gateway/],
    // Without "//" a URL parser may still find a host; the schema and agora-py do not.
    [{ endpoints: [{ url: 'https:gw.example.com/v1' }] }, /endpoints\[0\]\.url/],
  ];
  for (const [change, message] of wrong) {
    assert.throws(() => checkServiceMetadata({ ...DOCUMENT, ...change }), (e) => e instanceof InvalidMetadata && message.test(e.message));
  }
  assert.throws(() => checkServiceMetadata([DOCUMENT]), /not a JSON object/);
});
