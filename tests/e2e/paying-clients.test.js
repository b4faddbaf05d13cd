// Paying clients in JavaScript (@agora/client's PayingClient) and Python (agora-py's,
// clients/python): each is given only a service id and a funded key, finds the
// service's gateway in its metadata document (checked against the listing's hash), makes
// three paid calls (one streamed) through a real agora-gateway with no credit (every
// call prepaid through 402 receipt_too_low) and reports what it spent; the provider's
// claim on chain equals it. Both refuse a listing whose document does not match its hash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { MetadataMismatch, PayingClient, metadataHash, submitOk } from '@agora/client';
import { freePort, startDevNode } from './lib/node.js';
import { startGateway, startStreamingUpstream, tokenGatewaySettings } from './lib/gateway.js';

const AGR = 10n ** 12n;
const PRICE = { unit: 'Token1k', perUnit: 10n ** 10n };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = join(ROOT, 'clients/python/.venv/bin/python');

/** Serves `documents` (path → bytes) on 127.0.0.1, as a provider's web site would. */
function serveDocuments(documents) {
  const server = createServer((request, response) => {
    const body = documents[request.url];
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(body ?? '{}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)),
  })));
}

describe('paying clients: JavaScript and Python, from a service id and a key to paid calls', () => {
  let node;
  let api;
  let upstream;
  let documents;
  let gateway;
  let dir;
  let serviceId;
  let badServiceId;
  let directServiceId;
  let bob;

  before(async () => {
    node = await startDevNode();
    api = node.api;
    dir = mkdtempSync(join(tmpdir(), 'agora-paying-'));
    upstream = await startStreamingUpstream();
    const gatewayPort = await freePort();
    // The provider's metadata document names its gateway; the listing names the document
    // and its hash. A second listing names a document that is not the one hashed.
    const document = Buffer.from(JSON.stringify({
      schema: 'agora/service-metadata/v1',
      name: 'tiny-chat',
      description: 'An OpenAI-compatible chat model for the tests',
      api: 'openai-chat',
      endpoints: [{ url: `http://127.0.0.1:${gatewayPort}/v1` }],
      model: { name: 'tiny', contextLength: 2048, license: 'Apache-2.0' },
    }));
    documents = await serveDocuments({ '/tiny-chat.json': document, '/changed.json': Buffer.from('{"schema":"agora/service-metadata/v1"}') });
    bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
    await submitOk(api, api.tx.services.registerProvider('tiny-provider', 100n * AGR), bob);
    const list = async (name, uri, hash, provider = bob) => {
      const listed = await submitOk(api, api.tx.services.listService(name, ['llm'], uri, hash, PRICE, 0, null), provider);
      return listed.events.find(({ event }) => api.events.services.ServiceListed.is(event)).event.data.serviceId.toNumber();
    };
    serviceId = await list('tiny-chat', `${documents.url}/tiny-chat.json`, metadataHash(document));
    badServiceId = await list('changed', `${documents.url}/changed.json`, metadataHash(document));
    // A service without a gateway, whose provider claims itself (agora-py's transactions).
    const charlie = new Keyring({ type: 'sr25519' }).addFromUri('//Charlie');
    await submitOk(api, api.tx.services.registerProvider('direct-provider', 100n * AGR), charlie);
    directServiceId = await list('direct', `${documents.url}/tiny-chat.json`, metadataHash(document), charlie);
    const settings = { dir, upstreamUrl: upstream.url, nodeUrl: node.httpUrl, serviceId, listen: `127.0.0.1:${gatewayPort}` };
    gateway = await startGateway(dir, await tokenGatewaySettings(settings, { reserve_units: 2, credit_limit: '0', settle_interval: 3 }), '//Bob');
  });

  after(async () => {
    await gateway?.stop();
    await upstream?.close();
    await documents?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until channel `channelId` has `amount` claimed on chain. */
  async function claimed(channelId, amount) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const claimedNow = BigInt((await api.rpc.agora.getChannel(channelId)).toJSON().claimed);
      if (claimedNow === amount) return;
      assert.ok(Date.now() < deadline, `channel ${channelId}: ${claimedNow} claimed, ${amount} spent`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  test('JavaScript: three paid calls, one streamed; the provider claims what the client spent', async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const dave = keyring.addFromUri('//Dave');
    // #region js-paid-call
    const client = await PayingClient.connect(api, {
      serviceId,
      account: dave, // pays the deposit and the fees (or { address, signer } from a wallet extension)
      appKey: keyring.addFromUri('//Dave//app'), // signs the receipts
      deposit: 10n ** 12n, // 1 AGR, also what a top-up adds
      duration: 1_000, // blocks
    });
    const question = { model: 'tiny', messages: [{ role: 'user', content: 'Hello?' }] };
    const post = (body) => client.fetch('/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const answer = await (await post(question)).json();
    const streamed = await post({ ...question, stream: true });
    let events = '';
    for await (const chunk of streamed.body) events += new TextDecoder().decode(chunk); // as it arrives
    const spent = await client.settle(); // planck the provider can claim: every receipt signed
    // #endregion js-paid-call
    assert.equal(answer.usage.total_tokens, 1_000);
    assert.equal(events.match(/"delta"/g).length, 20);
    assert.equal(client.endpoint, `${gateway.url}/v1`);
    const third = await post(question);
    assert.equal(third.status, 200);
    await third.arrayBuffer();
    // Three calls of 1,000 tokens: 3 units owed, each call prepaid (no credit).
    assert.equal(client.owedUnits, 3n);
    assert.ok(client.signedUnits >= client.owedUnits);
    assert.equal(await client.settle(), client.signedUnits * PRICE.perUnit);
    assert.ok(spent <= client.spent);
    await claimed(client.channelId, client.spent);
  });

  test('JavaScript: the client tops up an exhausted channel, extends an expiring one, and opens another when the provider closed it', async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const ferdie = keyring.addFromUri('//Ferdie');
    // 1 AGR pays for 100 calls of 1,000 tokens; the channel lasts 20 blocks and the
    // gateway stops serving it 10 blocks before its end.
    const client = await PayingClient.connect(api, { serviceId, account: ferdie, appKey: keyring.addFromUri('//Ferdie//app'), deposit: AGR, duration: 20 });
    const call = async () => {
      const response = await client.fetch('/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"tiny","messages":[]}' });
      assert.equal(response.status, 200);
      await response.json();
    };
    await call();
    const first = client.channelId;
    const channel = async () => (await api.rpc.agora.getChannel(first)).toJSON();
    const opened = await channel();
    assert.equal(BigInt(opened.deposit), AGR);
    while (BigInt((await channel()).deposit) === AGR) await call();
    assert.equal(BigInt((await channel()).deposit), 2n * AGR, 'topped up by the deposit');
    assert.ok(client.owedUnits >= 99n);
    while ((await channel()).expiresAt === opened.expiresAt) {
      await call();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    assert.ok((await channel()).expiresAt > opened.expiresAt, 'extended');
    // Bob's gateway settles with Bob's key too, a claim every few seconds while the
    // channel is close to its end. The close can be given the nonce of a claim still
    // in the pool, which outranks it (1014, priority too low), or take a nonce the
    // gateway then gives a claim that outranks it in the pool (Usurped); once that claim
    // is in a block, the close takes the next nonce.
    const outranked = (error) => error.code === 1014 || error.message === 'transaction Usurped';
    for (let attempt = 1; ; attempt += 1) {
      try {
        await submitOk(api, api.tx.metering.closeChannel(first), bob);
        break;
      } catch (error) {
        if (!outranked(error) || attempt === 5) throw error;
        const best = (await api.rpc.chain.getHeader()).number.toNumber();
        while ((await api.rpc.chain.getHeader()).number.toNumber() === best) {
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
    // The gateway sees the channel gone at its next chain read (chain_refresh, 6 s).
    const deadline = Date.now() + 30_000;
    while (client.channelId === first) {
      assert.ok(Date.now() < deadline, 'the client moves to a new channel');
      await call();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    assert.equal((await api.rpc.agora.getChannel(client.channelId)).toJSON().serviceId, serviceId);
  });

  test('Python: the same from agora-py, and its channel transactions, run by pytest', async () => {
    const result = join(dir, 'python-result.json');
    // Not spawnSync: this process serves the metadata documents meanwhile.
    const run = await new Promise((resolve, reject) => {
      const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(ROOT, 'clients/python/tests/e2e')], {
        cwd: join(ROOT, 'clients/python'),
        env: {
          ...process.env,
          AGORA_NODE_URL: node.wsUrl,
          AGORA_SERVICE_ID: String(serviceId),
          AGORA_BAD_SERVICE_ID: String(badServiceId),
          AGORA_DIRECT_SERVICE_ID: String(directServiceId),
          AGORA_DIRECT_PAYEE_URI: '//Charlie',
          AGORA_PAYER_URI: '//Eve',
          AGORA_RESULT_FILE: result,
        },
        timeout: 240_000,
      });
      let output = '';
      child.stdout.on('data', (chunk) => { output += chunk; });
      child.stderr.on('data', (chunk) => { output += chunk; });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, output }));
    });
    assert.equal(run.status, 0, `pytest failed:\n${run.output}`);
    const { channelId, spent, signedUnits } = JSON.parse(readFileSync(result, 'utf8'));
    assert.ok(signedUnits >= 3);
    assert.equal(BigInt(spent), BigInt(signedUnits) * PRICE.perUnit);
    await claimed(channelId, BigInt(spent));
  });

  test('a listing whose metadata document does not match its hash is refused', async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    await assert.rejects(
      PayingClient.connect(api, { serviceId: badServiceId, account: keyring.addFromUri('//Dave'), appKey: keyring.addFromUri('//x'), deposit: AGR, duration: 100 }),
      (error) => error instanceof MetadataMismatch && error.serviceId === badServiceId,
    );
  });
});
