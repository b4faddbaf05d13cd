// A real network from nothing, the way docs/operators.md tells founders to make one:
// three operators generate their own keys, `agora-node new-chain-spec` makes the Live
// chain spec from the network file, each operator inserts its keys and starts its
// validator, and the network authors and finalizes with no sudo key and no development
// account in its state. A Live spec naming a development key, and a validator started
// without naming its chain, are refused with the reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { nodeBinary } from './lib/node.js';
import { accounts, createTestnet, waitFinalized } from './lib/testnet.js';

const AGR = 10n ** 12n;
const genericAddress = (publicKey) => new Keyring({ ss58Format: 42 }).encodeAddress(publicKey);
const OPERATORS = ['ana', 'ben', 'cleo'];

/**
 * Runs `agora-node args…` to its end; returns { status, stdout, stderr }. A node that
 * should have refused to start is killed after a minute (status null).
 */
function agoraNode(args) {
  return spawnSync(nodeBinary(), args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
}

/** A fresh key from `agora-node key generate`: { secretPhrase, ss58Address, publicKey }. */
function generateKey(scheme) {
  const result = agoraNode(['key', 'generate', '--scheme', scheme, '--output-type', 'json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('a production network made by the documented flow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-production-'));
  const specPath = join(dir, 'spec.json');
  const operators = {};
  let net;
  const nodes = {};

  before(async () => {
    for (const name of OPERATORS) {
      operators[name] = {
        account: generateKey('sr25519'),
        aura: generateKey('sr25519'),
        grandpa: generateKey('ed25519'),
      };
    }
    const network = {
      name: 'Agora Test Mainnet',
      id: 'agora_test_mainnet',
      protocolId: 'agora-test',
      validators: OPERATORS.map((name) => ({
        account: operators[name].account.ss58Address,
        aura: operators[name].aura.ss58Address,
        grandpa: operators[name].grandpa.publicKey,
      })),
      balances: OPERATORS.map((name) => [operators[name].account.ss58Address, String(1_000_000n * AGR)]),
    };
    writeFileSync(join(dir, 'network.json'), JSON.stringify(network, null, 2));
    const made = agoraNode(['new-chain-spec', '--network', join(dir, 'network.json'), '--raw', '--output', specPath]);
    assert.equal(made.status, 0, made.stderr);
  });

  after(async () => {
    await Promise.all(Object.values(nodes).map((node) => node.stop()));
    net?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the spec is Live and raw, and three operators with their own keys author and finalize', async () => {
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    assert.equal(spec.chainType, 'Live');
    assert.equal(spec.id, 'agora_test_mainnet');
    assert.equal(spec.protocolId, 'agora-test');
    assert.ok(spec.genesis.raw.top, 'genesis as storage');
    assert.deepEqual(spec.properties, { ss58Format: 4242, tokenDecimals: 12, tokenSymbol: 'AGR' });

    net = await createTestnet(OPERATORS, { chain: specPath });
    for (const name of OPERATORS) {
      for (const [type, scheme, key] of [['aura', 'sr25519', 'aura'], ['gran', 'ed25519', 'grandpa']]) {
        const inserted = agoraNode(['key', 'insert', '--chain', specPath, '--base-path', net.basePath(name),
          '--key-type', type, '--scheme', scheme, '--suri', operators[name][key].secretPhrase]);
        assert.equal(inserted.status, 0, inserted.stderr);
      }
    }
    await Promise.all(OPERATORS.map(async (name) => { nodes[name] = await net.start(name, { devKeys: false }); }));
    const { api } = nodes.ana;
    const head = await waitFinalized(api, 3);
    for (const name of OPERATORS) {
      await waitFinalized(nodes[name].api, head.number.toNumber());
      assert.equal((await nodes[name].api.rpc.chain.getBlockHash(head.number)).toHex(), head.hash.toHex(), name);
    }

    const at = await api.at(head.hash);
    assert.ok((await at.query.sudo.key()).isNone, 'no sudo key');
    assert.deepEqual((await at.query.session.validators()).map(String),
      OPERATORS.map((name) => api.createType('AccountId', operators[name].account.publicKey).toString()));
    for (const who of Object.values(accounts)) {
      assert.ok((await at.query.system.account(who.address)).providers.isZero(), `${who.address} does not exist`);
    }
    // The operators' endowments and the two protocol accounts' existential deposits; no
    // transaction yet, and issuance of session 0 comes at its end.
    const ed = api.consts.balances.existentialDeposit.toBigInt();
    assert.equal((await at.query.balances.totalIssuance()).toBigInt(), 3_000_000n * AGR + 2n * ed);
    const parameters = (await at.query.validators.parameters()).toJSON();
    assert.equal((await at.query.validators.sessionLength()).toNumber(), 600, 'hour-long sessions');
    assert.equal(parameters.yearlyInflation, 50_000_000, '5 %');
  });

  test('a Live spec naming a development key, or setting a sudo key, is refused with the reason', () => {
    for (const [label, patch, reason] of [
      ['alice', { balances: [[accounts.alice.address, String(AGR)]] }, /development key of Alice \(sr25519\)/],
      // The runtime's own patch format: generic (42) addresses.
      ['sudo', { genesis: { sudo: { key: genericAddress(operators.ben.account.publicKey) } } }, /sets a sudo key/],
    ]) {
      const network = {
        name: 'Bad', id: `bad_${label}`,
        validators: [{
          account: operators.ana.account.ss58Address,
          aura: operators.ana.aura.ss58Address,
          grandpa: operators.ana.grandpa.publicKey,
        }],
        ...patch,
      };
      const file = join(dir, `bad-${label}.json`);
      writeFileSync(file, JSON.stringify(network));
      const made = agoraNode(['new-chain-spec', '--network', file]);
      assert.notEqual(made.status, 0, label);
      assert.match(made.stderr, reason, label);
      assert.match(made.stderr, /is Live, but/);
    }
    // The same check when a node loads such a spec: the development chain, relabelled.
    const dev = JSON.parse(agoraNode(['export-chain-spec', '--chain', 'dev', '--raw']).stdout);
    const relabelled = join(dir, 'live-dev.json');
    writeFileSync(relabelled, JSON.stringify({ ...dev, chainType: 'Live' }));
    const started = agoraNode(['--chain', relabelled, '--tmp', '--validator', '--rpc-port', '0']);
    assert.notEqual(started.status, 0);
    assert.match(started.stderr, /is Live, but its genesis sets a sudo key/);
  });

  test('a validator that names no chain is refused; naming the development chain is enough', () => {
    const refused = agoraNode(['--validator', '--tmp', '--rpc-port', '0']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /a validator must name its chain/);
    const alice = agoraNode(['--alice', '--tmp']);
    assert.match(alice.stderr, /a validator must name its chain/);
  });

  test('a malformed network file is refused with the field at fault', () => {
    for (const [label, network, reason] of [
      ['no validator', { name: 'x', id: 'x', validators: [] }, /lists no validator/],
      ['bad key', { name: 'x', id: 'x', validators: [{ account: 'nope', aura: 'nope', grandpa: 'nope' }] },
        /validators\[0\]\.account: "nope" is not an SS58 address/],
      ['bad amount', {
        name: 'x', id: 'x',
        validators: [{ account: operators.ana.account.ss58Address, aura: operators.ana.aura.ss58Address, grandpa: operators.ana.grandpa.publicKey }],
        balances: [[operators.ben.account.ss58Address, '1.5']],
      }, /is not a whole number of planck/],
      ['dust', {
        name: 'x', id: 'x',
        validators: [{ account: operators.ana.account.ss58Address, aura: operators.ana.aura.ss58Address, grandpa: operators.ana.grandpa.publicKey }],
        balances: [[operators.ben.account.ss58Address, '1000']],
      }, /1000 planck is below the existential deposit \(1000000000 planck\)/],
      ['unknown field', { name: 'x', id: 'x', validators: [], sudo: 'me' }, /unknown field `sudo`/],
    ]) {
      const file = join(dir, `malformed-${label.replace(' ', '-')}.json`);
      writeFileSync(file, JSON.stringify(network));
      const made = agoraNode(['new-chain-spec', '--network', file]);
      assert.notEqual(made.status, 0, label);
      assert.match(made.stderr, reason, label);
    }
  });
});
