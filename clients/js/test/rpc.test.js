import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agoraMethodNames, agoraRpc } from '../src/index.js';

test('the definitions cover every agora_* method, each with an optional `at` last', () => {
  assert.deepEqual([...agoraMethodNames].sort(), [
    'agora_getChannel', 'agora_getProvider', 'agora_getService', 'agora_listChannels',
    'agora_listProposals', 'agora_listServices', 'agora_pendingRewards', 'agora_quote',
    'agora_verifyReceipt', 'agora_version',
  ]);
  for (const [name, definition] of Object.entries(agoraRpc.agora)) {
    const last = definition.params.at(-1);
    assert.deepEqual(last, { name: 'at', type: 'Hash', isOptional: true }, name);
    assert.equal(definition.type, name.startsWith('list') ? 'Vec<Json>' : 'Json', name);
  }
});
