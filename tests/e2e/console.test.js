// The Agora Console (console/, built by `vite build`) in Debian's Chromium, driven by
// playwright-core, against a real `agora-node --dev` and a real agora-gateway. Signing
// goes through an injected wallet: the `injectedWeb3` interface the polkadot.js
// extension, Talisman and SubWallet give a page, backed here by the dev keys. The tests
// act only through the page and check what it shows against the chain itself: a
// provider lists a service, a consumer opens a channel, pays a call through the gateway
// and sees the settled claim, an expired channel is reclaimed, a holder proposes a
// parameter change that two others vote for with different convictions and that is
// enacted. Each page is saved as a screenshot in tests/console/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { metadataHash, propose, submitOk, vote } from '@agora/client';
import { eventually, freePort, startDevNode } from './lib/node.js';
import { startGateway, startStreamingUpstream, tokenGatewaySettings } from './lib/gateway.js';

const AGR = 10n ** 12n;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'console/dist');
const SCREENSHOTS = join(ROOT, 'tests/console/screenshots');
const CHROMIUM = process.env.AGORA_CHROMIUM ?? '/usr/bin/chromium';
const TX_TIMEOUT = 60_000;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

/**
 * Serves the built Console and `documents` (path → bytes, a provider's metadata
 * documents; a path ending in `*` answers every path it starts) on 127.0.0.1: one
 * origin, as a provider's web site and the Console would be two; the gateway is another
 * origin (CORS). `documents` may grow while it serves.
 */
function serveConsole(documents) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const document = documents[path]
      ?? Object.entries(documents).find(([prefix]) => prefix.endsWith('*') && path.startsWith(prefix.slice(0, -1)))?.[1];
    if (document) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(document);
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

/**
 * What the page gets as `window.injectedWeb3['agora-test-wallet']`: the extension
 * interface of @polkadot/extension-inject. Signing is handed to the test process
 * (`__agoraWalletSign`), which holds the keys, as an extension's background page does.
 */
function installWallet(accounts) {
  window.injectedWeb3 = window.injectedWeb3 ?? {};
  window.injectedWeb3['agora-test-wallet'] = {
    version: '0.1.0',
    enable: async () => ({
      accounts: {
        get: async () => accounts,
        subscribe: (callback) => { callback(accounts); return () => {}; },
      },
      signer: {
        signPayload: (payload) => window.__agoraWalletSign({ kind: 'payload', payload }),
        signRaw: (raw) => window.__agoraWalletSign({ kind: 'raw', raw }),
      },
    }),
  };
}

describe('Agora Console in Chromium: shop, pay, earn and vote through the page', () => {
  let node;
  let api;
  let upstream;
  let site;
  let gateway;
  let gatewayPort;
  let dir;
  let browser;
  let page;
  let consoleUrl;
  let serviceId;
  let proposalId;
  let datasetId;
  let failingProposalId;
  const documents = {};
  const signed = [];
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
  const pairs = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave'].map((name) => [name, keyring.addFromUri(`//${name}`, { name })]));
  const byKey = Object.fromEntries(Object.values(pairs).map((pair) => [u8aToHex(pair.publicKey), pair]));
  const document = () => Buffer.from(JSON.stringify({
    schema: 'agora/service-metadata/v1',
    name: 'tiny-chat',
    description: 'An OpenAI-compatible chat model for the Console test',
    api: 'openai-chat',
    endpoints: [{ url: `http://127.0.0.1:${gatewayPort}/v1` }],
    model: { name: 'tiny', contextLength: 2048, license: 'Apache-2.0' },
  }));

  /** The wallet's signing, in the test process: a payload as the extension signs it. */
  function walletSign({ kind, payload, raw }) {
    const pair = byKey[u8aToHex(decodeAddress((payload ?? raw).address))];
    if (!pair) throw new Error(`the wallet has no key for ${(payload ?? raw).address}`);
    signed.push({ kind, signer: pair.meta.name, method: payload?.method });
    if (kind === 'raw') return { id: signed.length, signature: u8aToHex(pair.sign(u8aWrapBytes(raw.data))) };
    const extrinsic = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version });
    return { id: signed.length, signature: extrinsic.sign(pair).signature };
  }

  async function as(name) {
    await page.selectOption('select[aria-label=account]', pairs[name].address);
  }

  /** Opens the *Edit* form of a service row, if it is not open already. */
  async function edit(row) {
    if (await row.locator('details').getAttribute('open') === null) await row.locator('summary:text("Edit")').click();
  }

  async function open(route) {
    await page.click(`nav a[href="#/${route}"]`);
  }

  async function screenshot(name) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /**
   * Clicks the transaction button `name` inside `scope` and waits for its outcome: the
   * button's message, or the button leaving the page (what it changed re-rendered it:
   * a registered provider's form, a reclaimed channel's row).
   */
  async function sendTx(scope, name) {
    const button = scope.locator(`button[name="${name}"]`);
    const before = signed.length;
    await button.click();
    const tx = button.locator('xpath=..');
    const outcome = tx.locator('[role=status]:has-text("in block"), [role=alert]').first();
    await Promise.race([outcome.waitFor({ timeout: TX_TIMEOUT }), button.waitFor({ state: 'detached', timeout: TX_TIMEOUT })]);
    if (await button.count() === 0) {
      assert.equal(signed.length, before + 1, `${name}: the wallet signed it`);
      return { ok: true };
    }
    const failed = tx.locator('[role=alert]');
    if (await failed.count()) return { error: await failed.textContent() };
    return { ok: true };
  }

  async function sendOk(scope, name) {
    const outcome = await sendTx(scope, name);
    assert.equal(outcome.error, undefined, `${name}: ${outcome.error}`);
  }

  /** Opens a channel of the service page shown, with `deposit` AGR for `duration` blocks. */
  async function openChannelInPage(deposit, duration) {
    const opening = page.locator('.card:has(h3:text("Open a channel"))');
    await opening.locator('input[name=deposit]').fill(deposit);
    await opening.locator('input[name=duration]').fill(duration);
    await sendOk(opening, 'open-channel');
  }

  async function proposal(id) {
    const listed = (await api.rpc.agora.listProposals({ startAfter: id === 0 ? undefined : id - 1, limit: 1 })).map((p) => p.toJSON());
    assert.equal(listed[0].id, id);
    return listed[0];
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    node = await startDevNode();
    api = node.api;
    dir = mkdtempSync(join(tmpdir(), 'agora-console-'));
    upstream = await startStreamingUpstream();
    gatewayPort = await freePort();
    documents['/tiny-chat.json'] = document();
    site = await serveConsole(documents);
    consoleUrl = `${site.url}/?node=${encodeURIComponent(node.wsUrl)}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.exposeFunction('__agoraWalletSign', walletSign);
    const accounts = Object.values(pairs).map((pair) => ({ address: pair.address, name: pair.meta.name, type: 'sr25519' }));
    await context.addInitScript(installWallet, accounts);
    page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    await page.goto(`${consoleUrl}#/market`);
  });

  after(async () => {
    await browser?.close();
    await gateway?.stop();
    await site?.close();
    await upstream?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a link\'s node is used only once the user says so; the header then shows the chain and the wallet\'s accounts', async () => {
    // The link names the test's node, not the one this browser chose (the default):
    // the Console asks first and has not connected to it.
    const proposed = page.locator('[data-testid=proposed-node]');
    await proposed.waitFor({ timeout: 30_000 });
    assert.match(await proposed.textContent(), new RegExp(`asks the Console to use the node ${node.wsUrl} instead of ws://127\\.0\\.0\\.1:9944`));
    await page.click('button[name=use-linked-node]');
    await proposed.waitFor({ state: 'detached' });
    await page.locator('[data-testid=chain]').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('[data-testid=chain]').textContent(), new RegExp(`\\(${api.genesisHash.toHex().slice(0, 10)}…\\)`));
    const best = Number((await page.locator('[data-testid=best]').textContent()).slice(1));
    assert.ok(best >= 0);
    await eventually(async () => Number((await page.locator('[data-testid=best]').textContent()).slice(1)) > best, 'the next block on the page', 30_000);
    // The dev chain's one validator finalizes: the finalized block follows, never ahead.
    const finalized = async () => Number((await page.locator('[data-testid=finalized]').textContent()).slice(1));
    await eventually(async () => await finalized() > 0, 'a finalized block on the page', 30_000);
    assert.ok(await finalized() <= Number((await page.locator('[data-testid=best]').textContent()).slice(1)));
    const options = await page.locator('select[aria-label=account] option').allTextContents();
    assert.deepEqual(options.map((o) => o.split(' ')[0]), ['Alice', 'Bob', 'Charlie', 'Dave']);
    // Addresses are Agora's SS58 (prefix 4242), not the generic 42.
    assert.equal(await page.locator('select[aria-label=account]').inputValue(), encodeAddress(pairs.Alice.publicKey, 4242));
    const free = (await api.query.system.account(pairs.Alice.address)).data.free.toBigInt();
    await page.locator(`[data-testid=free]:has-text("${(free / AGR).toLocaleString('en-US')}")`).waitFor({ timeout: 10_000 });
  });

  test('a holder proposes a fee change; the page shows the call decoded, not as bytes', async () => {
    await as('Alice');
    await open('governance');
    const form = page.locator('.card:has(h3:text("Propose"))');
    await form.locator('select[name=proposal-pallet]').selectOption('metering');
    await form.locator('select[name=proposal-parameter]').selectOption('ProtocolFee');
    // Bad input is refused before anything is signed.
    await form.locator('input[name=proposal-value]').fill('150');
    const refused = await sendTx(form, 'propose');
    assert.equal(refused.error, '"150" is not a percentage');
    await form.locator('input[name=proposal-value]').fill('5');
    const before = signed.length;
    await sendOk(form, 'propose');
    assert.deepEqual(signed.slice(before).map((s) => [s.kind, s.signer]), [['payload', 'Alice']]);

    const proposals = (await api.rpc.agora.listProposals({ status: 'Voting' })).map((p) => p.toJSON());
    assert.equal(proposals.length, 1);
    proposalId = proposals[0].id;
    assert.deepEqual(proposals[0].decodedCall, {
      section: 'metering', method: 'setParameters',
      args: [{ name: 'changes', type: 'BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>', value: [{ ProtocolFee: 50_000_000 }] }],
    });
    const card = page.locator(`[data-testid=proposal-${proposalId}]`);
    await card.waitFor();
    assert.equal(await card.locator('.call .method').textContent(), 'metering.setParameters');
    assert.match(await card.locator('.call li').first().textContent(), /^changes BoundedVec<ParameterChangeOf<T>, ConstU32<MAX_PARAMETER_CHANGES>>: \[\{"ProtocolFee":50000000\}\]$/);
    assert.equal(await card.locator('[data-testid=status]').textContent(), 'Voting');
  });

  test('two holders vote with different convictions in the page; its tally is the chain\'s', async () => {
    const votes = [
      ['Bob', '700000', 'Locked1x', '700,000 AGR of votes; locked for 10 blocks (1 min) after voting ends if aye wins'],
      ['Charlie', '600000', 'Locked3x', '1,800,000 AGR of votes; locked for 40 blocks (4 min) after voting ends if aye wins'],
    ];
    for (const [name, balance, conviction, expected] of votes) {
      await as(name);
      const card = page.locator(`[data-testid=proposal-${proposalId}]`);
      await card.locator('input[name=vote-balance]').fill(balance);
      await card.locator('select[name=conviction]').selectOption(conviction);
      assert.equal(await card.locator('[data-testid=vote-preview]').textContent(), expected);
      await sendOk(card, 'vote');
    }
    const { tally } = await proposal(proposalId);
    assert.deepEqual(tally, { ayes: (2_500_000n * AGR).toString(), nays: '0', turnout: (1_300_000n * AGR).toString() });
    const card = page.locator(`[data-testid=proposal-${proposalId}]`);
    await card.locator('[data-testid=ayes]:text("2,500,000 AGR")').waitFor({ timeout: 15_000 });
    assert.equal(await card.locator('[data-testid=nays]').textContent(), '0 AGR');
    assert.match(await card.locator('[data-testid=turnout]').textContent(), /^1,300,000 AGR of 1,2\d\d,\d{3}(\.\d+)? AGR needed \(10 % of the issuance\)$/);
    await card.locator('text=Passing if voting ended now.').waitFor();
    // Charlie's own votes and what they hold.
    await page.locator('[data-testid=my-votes]:has-text("600,000 AGR held by votes")').waitFor({ timeout: 15_000 });
    await screenshot('governance');
  });

  test('a runtime upgrade is proposed by its code hash and withdrawn; a call that will fail is passed beside it', async () => {
    // Eve and Ferdie pass a 50 % protocol fee, above what the pallet accepts: its
    // enactment fails, and the page must say why (checked once it is enacted, below).
    const { Eve, Ferdie } = Object.fromEntries(['Eve', 'Ferdie'].map((name) => [name, keyring.addFromUri(`//${name}`)]));
    ({ proposalId: failingProposalId } = await propose(api, Eve, api.tx.metering.setParameters([{ ProtocolFee: 500_000_000 }])));
    await Promise.all([
      vote(api, Eve, failingProposalId, { aye: true, balance: 700_000n * AGR }),
      vote(api, Ferdie, failingProposalId, { aye: true, balance: 600_000n * AGR }),
    ]);

    await as('Alice');
    const form = page.locator('.card:has(h3:text("Propose"))');
    await form.locator('select[name=proposal-kind]').selectOption('upgrade');
    await form.locator('input[name=upgrade-hash]').fill('0x1234');
    assert.equal((await sendTx(form, 'propose')).error, 'the code hash is 0x and 64 hex digits: blake2-256 of the new runtime WASM');
    const codeHash = `0x${'ab'.repeat(32)}`;
    await form.locator('input[name=upgrade-hash]').fill(codeHash);
    await sendOk(form, 'propose');
    const upgrade = (await api.rpc.agora.listProposals({ status: 'Voting' })).map((p) => p.toJSON())
      .find((p) => p.decodedCall?.method === 'authorizeUpgrade');
    const card = page.locator(`[data-testid=proposal-${upgrade.id}]`);
    await card.waitFor({ timeout: 15_000 });
    assert.equal(await card.locator('.call .method').textContent(), 'system.authorizeUpgrade');
    assert.equal(await card.locator('.call li').textContent(), `codeHash T::Hash: "${codeHash}"`);
    // Without votes its proposer may withdraw it, and gets the deposit back.
    await sendOk(card, 'cancel');
    await card.locator('[data-testid=status]:text("Cancelled")').waitFor({ timeout: 15_000 });
    assert.equal((await proposal(upgrade.id)).status.status, 'Cancelled');
  });

  test('a curator registers a dataset, a contributor offers to it, the curator accepts: the page shows the shares', async () => {
    await as('Alice');
    await open('contributors');
    await page.locator('text=No campaign is running.').waitFor({ timeout: 15_000 });
    const curate = page.locator('.card:has(h3:text("Curate a dataset"))');
    await curate.locator('input[name=dataset-name]').fill('tiny-corpus');
    await curate.locator('input[name=dataset-uri]').fill(`${site.url}/tiny-chat.json`);
    await curate.locator('button[name=dataset-hash-document]').click();
    await eventually(async () => (await curate.locator('input[name=dataset-hash]').inputValue()) === metadataHash(document()), 'the document hashed', 10_000);
    await sendOk(curate, 'register-dataset');
    const [[key, dataset]] = await api.query.rewards.datasets.entries();
    datasetId = key.args[0].toNumber();
    assert.equal(dataset.unwrap().curator.toString(), encodeAddress(pairs.Alice.publicKey, 4242));

    await as('Charlie');
    const offer = page.locator('.card:has(h3:text("Contribute to a dataset"))');
    await offer.locator('select[name=contribute-dataset]').selectOption(String(datasetId));
    await offer.locator('input[name=content]').fill('a corpus of tiny chats');
    await offer.locator('input[name=units]').fill('5');
    await sendOk(offer, 'contribute');

    await as('Alice');
    const review = page.locator('[data-testid=reviews] li');
    await review.first().waitFor({ timeout: 15_000 });
    assert.match(await review.first().textContent(), new RegExp(`^#\\d+ to dataset #${datasetId}: 5 units from ${pairs.Charlie.address.slice(0, 6)}…`));
    await sendOk(review.first(), 'accept');

    await as('Charlie');
    const row = page.locator('[data-testid=datasets] tbody tr');
    await row.locator('text=5 of 5').waitFor({ timeout: 15_000 });
    assert.equal((await api.query.rewards.stakes(pairs.Charlie.address, datasetId)).unwrap().shares.toNumber(), 5);
    assert.equal(await row.count(), 1);
  });

  test('a provider registers, lists a service in the page and finds it in the marketplace', async () => {
    await as('Bob');
    await open('provider');
    const register = page.locator('.card:has(h3:text("Become a provider"))');
    await register.locator('input[name=provider-name]').fill('tiny-provider');
    // The chain's refusal, as the pallet words it.
    await register.locator('input[name=bond]').fill('1');
    const refused = await sendTx(register, 'register');
    assert.match(refused.error, /^services\.BondBelowMinimum: /);
    assert.equal(await api.query.services.providers(pairs.Bob.address).then((p) => p.isNone), true);
    await register.locator('input[name=bond]').fill('100');
    await sendOk(register, 'register');

    const list = page.locator('.card:has(h3:text("List a service"))');
    await list.waitFor({ timeout: 15_000 });
    await list.locator('input[name=service-name]').fill('tiny-chat');
    await list.locator('input[name=service-tags]').fill('llm, chat');
    await list.locator('input[name=service-uri]').fill(`${site.url}/tiny-chat.json`);
    await list.locator('button[name=service-hash-document]').click();
    await eventually(async () => (await list.locator('input[name=service-hash]').inputValue()) === metadataHash(document()), 'the document hashed', 10_000);
    await list.locator('select[name=price-unit]').selectOption('Token1k');
    await list.locator('input[name=price]').fill('0.01');
    // 10 % of what it earns goes to the contributors of the curated dataset.
    await list.locator('input[name=share]').fill('10');
    await list.locator('input[name=dataset]').fill(String(datasetId));
    await sendOk(list, 'list-service');
    const listed = (await api.rpc.agora.listServices({ provider: pairs.Bob.address })).map((s) => s.toJSON());
    assert.equal(listed.length, 1);
    serviceId = listed[0].id;
    assert.deepEqual(
      [listed[0].name, listed[0].tags, listed[0].price, listed[0].contributorShare, listed[0].dataset],
      ['tiny-chat', ['llm', 'chat'], { unit: 'Token1k', perUnit: (AGR / 100n).toString() }, 100_000_000, datasetId],
    );
    await page.locator(`[data-testid=my-service-${serviceId}]:has-text("Active")`).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=bond]:text("100 AGR bonded · 1 live service(s)")').waitFor({ timeout: 15_000 });
    await screenshot('provider');

    await open('market');
    await page.fill('input[aria-label="search services"]', 'tiny');
    const row = page.locator('[data-testid=services] tbody tr');
    await row.first().waitFor({ timeout: 15_000 });
    assert.equal(await row.count(), 1);
    assert.deepEqual((await row.locator('td').allTextContents()).map((t) => t.trim()), [
      `#${serviceId} tiny-chat`, 'llm, chat', '0.01 AGR per Token1k', 'unrated', `${pairs.Bob.address.slice(0, 6)}…${pairs.Bob.address.slice(-4)}`, '100 AGR',
    ]);
    await page.fill('input[aria-label="search services"]', 'image');
    await page.locator('text=No active service matches.').waitFor();
    await page.fill('input[aria-label="search services"]', '');
    await screenshot('marketplace');

    // Edited: only what changed is sent. A form left as listed, or a price that is not
    // an amount, is refused before anything is signed.
    await open('provider');
    const mine = page.locator(`[data-testid=my-service-${serviceId}]`);
    await edit(mine);
    assert.equal((await sendTx(mine, 'update-service')).error, 'nothing was changed');
    await mine.locator('input[name=edit-price]').fill('0.0000000000001');
    assert.equal((await sendTx(mine, 'update-service')).error, '"0.0000000000001" is not an amount of AGR (up to 12 decimals)');
    await mine.locator('input[name=edit-price]').fill('0.01');
    // A new document URL whose document does not match the listed hash: every client
    // would refuse the listing, so the page refuses to send it.
    documents['/tiny-chat-v2.json'] = Buffer.from('{"schema":"agora/service-metadata/v1"}');
    await mine.locator('input[name=edit-uri]').fill(`${site.url}/tiny-chat-v2.json`);
    assert.equal((await sendTx(mine, 'update-service')).error,
      `the document at ${site.url}/tiny-chat-v2.json hashes to ${metadataHash(documents['/tiny-chat-v2.json'])}, not ${metadataHash(document())}: click Hash the document`);
    await mine.locator('input[name=edit-uri]').fill(`${site.url}/tiny-chat.json`);
    await mine.locator('input[name=edit-tags]').fill('llm, chat, small');
    const before = signed.length;
    await sendOk(mine, 'update-service');
    assert.deepEqual(signed.slice(before).map((s) => s.method), [api.tx.services.updateService(serviceId, null, ['llm', 'chat', 'small'], null, null).method.toHex()]);
    const edited = (await api.rpc.agora.getService(serviceId)).toJSON();
    assert.deepEqual([edited.name, edited.tags, edited.price.perUnit], ['tiny-chat', ['llm', 'chat', 'small'], (AGR / 100n).toString()]);
    await mine.locator('text=0.01 AGR per Token1k · llm, chat, small').waitFor({ timeout: 15_000 });

    // Paused, it leaves the marketplace; resumed, it is back.
    await sendOk(mine, 'pause');
    await mine.locator('text=Paused').waitFor({ timeout: 15_000 });
    assert.equal((await api.rpc.agora.getService(serviceId)).toJSON().status, 'Paused');
    await open('market');
    await page.fill('input[aria-label="search services"]', 'tiny');
    await page.locator('text=No active service matches.').waitFor({ timeout: 15_000 });
    await open('provider');
    await sendOk(mine, 'resume');
    await mine.locator('text=Active').waitFor({ timeout: 15_000 });
    assert.equal((await api.rpc.agora.getService(serviceId)).toJSON().status, 'Active');

    // Bond 10 AGR more, then unbond them: a chunk that unlocks after the unbonding period.
    const bond = page.locator('.card:has(h3:text("Bond"))');
    await bond.locator('input[name=bond-amount]').fill('10');
    await sendOk(bond, 'bond-extra');
    await page.locator('[data-testid=bond]:text("110 AGR bonded · 1 live service(s)")').waitFor({ timeout: 15_000 });
    await sendOk(bond, 'unbond');
    await page.locator('[data-testid=bond]:text("100 AGR bonded · 1 live service(s)")').waitFor({ timeout: 15_000 });
    const provider = (await api.rpc.agora.getProvider(pairs.Bob.address)).toJSON();
    assert.deepEqual(provider.unbonding.map((chunk) => chunk.amount), [(10n * AGR).toString()]);
    await bond.locator(`li:text("10 AGR unlocks at #${provider.unbonding[0].unlocksAt}")`).waitFor();

    const settings = { dir, upstreamUrl: upstream.url, nodeUrl: node.httpUrl, serviceId, listen: `127.0.0.1:${gatewayPort}` };
    gateway = await startGateway(dir, await tokenGatewaySettings(settings, { reserve_units: 2, credit_limit: '0', settle_interval: 3 }), '//Bob');
  });

  test('a consumer opens a channel, makes a paid call through the gateway, and sees the provider\'s claim', async () => {
    await as('Dave');
    await open('market');
    await page.click(`a[href="#/service/${serviceId}"]`);
    await page.locator('[data-testid=metadata]:has-text("tiny-chat")').waitFor({ timeout: 15_000 });
    await page.fill('input[name=quote-units]', '1000');
    await page.locator('[data-testid=quote]:has-text("10 AGR")').waitFor({ timeout: 15_000 });

    await openChannelInPage('10', '600');
    const [channel] = (await api.rpc.agora.listChannels({ consumer: pairs.Dave.address })).map((c) => c.toJSON());
    assert.equal(channel.deposit, (10n * AGR).toString());
    await page.locator(`[data-testid=opened]:has-text("Channel #${channel.id} is open")`).waitFor();

    // A gateway asking for more than the call may cost gets no receipt for it: here it
    // asks for its 2-unit reservation up front, against a limit of 1.
    const tryIt = page.locator('.card:has(h3:text("Try it"))');
    await tryIt.locator('input[name=max-units]').fill('1');
    await page.click('button[name=try-it]');
    const capped = tryIt.locator('[role=alert]');
    await capped.waitFor({ timeout: 30_000 });
    assert.equal(await capped.textContent(), 'the gateway asked for a receipt of 2 units, more than the 1 one call may cost');
    assert.equal(upstream.served.requests.length, 0);
    await tryIt.locator('input[name=max-units]').fill('10');

    // The call goes from the page to the gateway (another origin: CORS), paid by
    // receipts that this browser's app key signs; nothing else is signed by the wallet.
    const before = signed.length;
    await page.click('button[name=try-it]');
    const result = page.locator('[data-testid=try-result]');
    await result.waitFor({ timeout: 30_000 });
    assert.match(await result.locator('p').textContent(), new RegExp(`^HTTP 200 on channel #${channel.id}: 1 units owed, 2 signed for, 0.02 AGR spent so far$`));
    assert.match(await result.locator('pre').textContent(), /"total_tokens":1000/);
    assert.equal(signed.length, before);
    assert.equal(upstream.served.requests.length, 1);
    await screenshot('service');

    const claimed = await eventually(async () => {
      const now = (await api.rpc.agora.getChannel(channel.id)).toJSON();
      return BigInt(now.claimed) > 0n && BigInt(now.claimed);
    }, 'the gateway to settle the receipt', 60_000);
    await open('channels');
    const row = page.locator(`[data-testid=channel-${channel.id}]`);
    await row.locator(`[data-testid=claimed]:text("${Number(claimed) / 1e12} AGR")`).waitFor({ timeout: 15_000 });
    await row.locator(`text=1 units used, 2 signed for (${Number(claimed) / 1e12} AGR)`).waitFor({ timeout: 15_000 });
    await screenshot('channels');

    // Topped up by 1 AGR and extended by 100 blocks from the page.
    await row.locator('input[aria-label="top up (AGR)"]').fill('1');
    await sendOk(row, 'top-up');
    await row.locator('input[aria-label="extend by (blocks)"]').fill('100');
    await sendOk(row, 'extend');
    const now = (await api.rpc.agora.getChannel(channel.id)).toJSON();
    assert.deepEqual([now.deposit, now.expiresAt], [(11n * AGR).toString(), channel.expiresAt + 100]);
    await row.locator(`text=#${channel.expiresAt + 100}`).waitFor({ timeout: 15_000 });

    // The provider's revenue: what its open channels were claimed for.
    await as('Bob');
    await open('provider');
    await page.locator(`[data-testid=revenue]:has-text("${Number(claimed) / 1e12} AGR claimed from 1 open channel(s)")`).waitFor({ timeout: 15_000 });
    await as('Dave');
  });

  test('a gateway that answers nonsense is shown as such on its channel; the page keeps working', async () => {
    // Bob lists a second service whose document names a "gateway" on the test's web
    // site, answering every channel's account with fields of the wrong type.
    const evil = Buffer.from(JSON.stringify({
      schema: 'agora/service-metadata/v1', name: 'odd-chat', api: 'openai-chat',
      endpoints: [{ url: `${site.url}/odd/v1`, gateway: `${site.url}/odd` }],
    }));
    documents['/odd-chat.json'] = evil;
    documents['/odd/agora/channels/*'] = Buffer.from('{"owedUnits":{},"signedUnits":"many"}');
    const listing = await submitOk(api, api.tx.services.listService('odd-chat', ['llm'], `${site.url}/odd-chat.json`, metadataHash(evil),
      { unit: 'Request', perUnit: AGR / 100n }, 0, null), pairs.Bob);
    const oddId = listing.events.find(({ event }) => api.events.services.ServiceListed.is(event)).event.data.serviceId.toNumber();

    await as('Alice');
    await open('market');
    await page.click(`a[href="#/service/${oddId}"]`);
    await page.locator('[data-testid=metadata]:has-text("odd-chat")').waitFor({ timeout: 30_000 });
    await openChannelInPage('1', '600');
    const [channel] = (await api.rpc.agora.listChannels({ consumer: pairs.Alice.address })).map((c) => c.toJSON());
    await open('channels');
    const row = page.locator(`[data-testid=channel-${channel.id}]`);
    assert.equal(await row.locator('[data-testid=gateway-error]').textContent({ timeout: 30_000 }), `${site.url}/odd answered without the channel's used and signed units`);
    // The rest of the page works: the channel is topped up from the same row.
    await row.locator('input[aria-label="top up (AGR)"]').fill('1');
    await sendOk(row, 'top-up');
    assert.equal((await api.rpc.agora.getChannel(channel.id)).toJSON().deposit, (2n * AGR).toString());
    await row.locator('td:text-is("2 AGR")').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=chain]').waitFor();
    await as('Dave');
  });

  test('an expired channel is reclaimed from the page and its deposit comes back', async () => {
    await open('market');
    await page.click(`a[href="#/service/${serviceId}"]`);
    await openChannelInPage('5', '2');
    const channels = (await api.rpc.agora.listChannels({ consumer: pairs.Dave.address })).map((c) => c.toJSON());
    const short = channels.find((c) => c.deposit === (5n * AGR).toString());
    await open('channels');
    const row = page.locator(`[data-testid=channel-${short.id}]`);
    // Not yet expired: the chain would refuse, and the page does not offer it.
    assert.equal(await row.locator('button[name=reclaim]').isDisabled(), true);
    await row.locator('text=expired').waitFor({ timeout: 60_000 });
    const heldBefore = (await api.query.system.account(pairs.Dave.address)).data.reserved.toBigInt();
    await sendOk(row, 'reclaim');
    assert.equal((await api.rpc.agora.getChannel(short.id).then(() => 'open', () => 'gone')), 'gone');
    const heldAfter = (await api.query.system.account(pairs.Dave.address)).data.reserved.toBigInt();
    assert.equal(heldBefore - heldAfter, 5n * AGR);
    await row.waitFor({ state: 'detached', timeout: 15_000 });
  });

  test('the dataset\'s contributor sees the share of the paid call it earned, and claims it from the page', async () => {
    await as('Charlie');
    await open('contributors');
    const pending = await eventually(async () => {
      const [reward] = (await api.rpc.agora.pendingRewards(pairs.Charlie.address)).toJSON().datasets;
      return reward && BigInt(reward.amount);
    }, 'the settlement to credit the dataset', 60_000);
    // Charlie holds all 5 shares: the whole contributors' 10 % of what the provider claimed.
    const [channel] = (await api.rpc.agora.listChannels({ consumer: pairs.Dave.address })).map((c) => c.toJSON());
    assert.equal(pending, BigInt(channel.claimed) / 10n);
    const row = page.locator('[data-testid=datasets] tbody tr');
    await row.locator(`text=${Number(pending) / 1e12} AGR`).waitFor({ timeout: 15_000 });
    await screenshot('contributors');
    await sendOk(row, 'claim-rewards');
    assert.deepEqual((await api.rpc.agora.pendingRewards(pairs.Charlie.address)).toJSON().datasets, []);
    await row.locator('td:text("0 AGR")').waitFor({ timeout: 15_000 });
  });

  test('the proposal is enacted by itself and the page shows it enacted', async () => {
    await open('governance');
    const card = page.locator(`[data-testid=proposal-${proposalId}]`);
    await card.locator('[data-testid=status]:text("Enacted")').waitFor({ timeout: 180_000 });
    await card.locator('text=the call succeeded').waitFor();
    assert.equal((await api.query.metering.parameters()).protocolFee.toNumber(), 50_000_000);
    const enacted = await proposal(proposalId);
    assert.equal(enacted.status.status, 'Enacted');
    assert.equal(enacted.status.succeeded, true);

    // The failing call: enacted, and the page gives the pallet's reason.
    const failing = page.locator(`[data-testid=proposal-${failingProposalId}]`);
    await failing.locator('[data-testid=status]:text("Enacted")').waitFor({ timeout: 180_000 });
    assert.equal((await proposal(failingProposalId)).status.succeeded, false);
    const reason = failing.locator('[data-testid=enactment-error]');
    await reason.locator('text=ProtocolFeeTooHigh').waitFor({ timeout: 15_000 });
    assert.match(await reason.textContent(), /^the call failed: metering\.ProtocolFeeTooHigh: \S.*/);
    assert.equal((await api.query.metering.parameters()).protocolFee.toNumber(), 50_000_000);
    await screenshot('governance-enacted');
  });

  test('after the end, a winning vote\'s removal locks it for its conviction; Unlock frees nothing before then', async () => {
    await as('Charlie');
    const mine = page.locator('[data-testid=my-votes]');
    await mine.locator('text=#0: aye 600,000 AGR Locked3x').waitFor({ timeout: 15_000 });
    await sendOk(mine, 'remove-vote');
    // Locked3x on the winning side: locked until the end + 4 × voteLockingPeriod (10).
    const { endedAt } = (await proposal(proposalId)).status;
    const { prior } = (await api.query.governance.votingOf(pairs.Charlie.address)).toJSON();
    assert.deepEqual([BigInt(prior.amount), prior.until], [600_000n * AGR, endedAt + 40]);
    await mine.locator(`text=600,000 AGR held by votes and conviction locks; 600,000 AGR locked until #${prior.until}.`).waitFor({ timeout: 15_000 });
    // Nothing is free before that block: Unlock goes through and keeps the hold.
    await sendOk(mine, 'unlock');
    await mine.locator(`text=600,000 AGR locked until #${prior.until}.`).waitFor({ timeout: 15_000 });
    const holds = await api.query.balances.holds(pairs.Charlie.address);
    assert.equal(holds.find((h) => h.id.toString() === '{"governance":"Vote"}').amount.toBigInt(), 600_000n * AGR);
  });

  test('the provider raises its price, then retires its service from the page', async () => {
    await as('Bob');
    await open('provider');
    const mine = page.locator(`[data-testid=my-service-${serviceId}]`);
    await edit(mine);
    await mine.locator('input[name=edit-price]').fill('0.02');
    const before = signed.length;
    await sendOk(mine, 'update-service');
    assert.deepEqual(signed.slice(before).map((s) => s.method), [api.tx.services.updateService(serviceId, null, null, null, { unit: 'Token1k', perUnit: AGR / 50n }).method.toHex()]);
    assert.deepEqual((await api.rpc.agora.getService(serviceId)).toJSON().price, { unit: 'Token1k', perUnit: (AGR / 50n).toString() });
    await mine.locator('text=0.02 AGR per Token1k').waitFor({ timeout: 15_000 });
    await sendOk(mine, 'retire');
    await mine.locator('text=Retired').waitFor({ timeout: 15_000 });
    assert.equal((await api.rpc.agora.getService(serviceId)).toJSON().status, 'Retired');
  });
});
