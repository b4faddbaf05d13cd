// The agora_* JSON-RPC methods (docs/rpc.md) as @polkadot/api custom RPC definitions:
//   const api = await ApiPromise.create({ provider, rpc: agoraRpc });
//   const services = await api.rpc.agora.listServices({ status: 'Active' });
// Answers are JSON (balances as decimal strings, accounts SS58 4242): single objects are
// typed `Json`, lists `Vec<Json>`; every method takes an optional block hash `at` last.

const at = { name: 'at', type: 'Hash', isOptional: true };
const json = (name, isOptional = false) => ({ name, type: 'Json', isOptional });

function method(description, params, type = 'Json') {
  return { description, params: [...params, at], type };
}

const list = (description, params) => method(description, params, 'Vec<Json>');

export const agoraRpc = {
  agora: {
    version: method('Runtime and marketplace API versions', []),
    listServices: list('Services matching a query { tag, status, provider, startAfter, limit }', [json('query', true)]),
    getService: method('One service', [{ name: 'id', type: 'u64' }]),
    getProvider: method('The provider registered by an account', [{ name: 'account', type: 'Text' }]),
    quote: method('What units of a service cost now, and the split', [{ name: 'serviceId', type: 'u64' }, { name: 'units', type: 'u64' }]),
    getChannel: method('One open payment channel', [{ name: 'id', type: 'u64' }]),
    listChannels: list('Open channels matching { consumer, payee, startAfter, limit }', [json('query', true)]),
    verifyReceipt: method('Whether a signed receipt would settle now, and for how much', [
      { name: 'channelId', type: 'u64' }, { name: 'cumulativeUnits', type: 'u64' }, json('signature'),
    ]),
    pendingRewards: method('What an account can claim per dataset, and its campaign submissions', [{ name: 'account', type: 'Text' }]),
    listProposals: list('Governance proposals matching { status, startAfter, limit }', [json('query', true)]),
  },
};

/** The method names `rpc_methods` lists for these definitions. */
export const agoraMethodNames = Object.keys(agoraRpc.agora).map((name) => `agora_${name}`);
