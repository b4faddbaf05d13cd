// Chain state the suites start from, set up through the real extrinsics.
import { PALLET_IDS, palletAccount, submitOk } from '@agora/client';

const AGR = 10n ** 12n;

/** The price `listService` lists at unless told otherwise: 0.01 AGR per 1k tokens. */
export const DEFAULT_PRICE = { unit: 'Token1k', perUnit: 10n ** 10n };

/**
 * `provider` registers (100 AGR bond) and lists one service with no dataset; resolves to
 * its id. `price` defaults to `DEFAULT_PRICE`.
 */
export async function listService(api, provider, { name = 'llm', tags = ['llm'], price = DEFAULT_PRICE } = {}) {
  await submitOk(api, api.tx.services.registerProvider(`${name}-provider`, 100n * AGR), provider);
  const listed = await submitOk(api, api.tx.services.listService(name, tags, '', `0x${'22'.repeat(32)}`,
    price, 0, null), provider);
  const event = listed.events.find(({ event }) => api.events.services.ServiceListed.is(event));
  return event.event.data.serviceId.toNumber();
}

/** The events of `section` in block `hash`. */
export async function eventsAt(api, hash, section) {
  const events = await (await api.at(hash)).query.system.events();
  return events.map(({ event }) => event).filter((event) => event.section === section);
}

/** The state just before and just after block `blockHash`, as `api.at` views. */
export async function statesAround(api, blockHash) {
  const header = await api.rpc.chain.getHeader(blockHash);
  return Promise.all([api.at(header.parentHash), api.at(blockHash)]);
}

/** `who`'s `{ free, held }` (bigint) in a state from `statesAround`. */
export async function balancesIn(state, who) {
  const { data } = await state.query.system.account(who);
  return { free: data.free.toBigInt(), held: data.reserved.toBigInt() };
}

/**
 * What block `blockHash` paid `who` for validating (docs/token.md, "Validator rewards"):
 * its author's share of the block's fees and the treasury's, and, in a block that ends a
 * session, each validator's and the treasury's part of the issuance. On `--dev` Alice
 * authors every block, so exact balance checks of Alice or the treasury around a block
 * add this.
 */
export async function validatorPayIn(api, blockHash, who) {
  const treasury = palletAccount(PALLET_IDS.treasury);
  const events = await eventsAt(api, blockHash, 'validators');
  let paid = 0n;
  for (const { method, data } of events) {
    if (method === 'FeesPaid') {
      if (data.author.isSome && data.author.unwrap().toString() === who) paid += data.toAuthor.toBigInt();
      if (who === treasury) paid += data.toTreasury.toBigInt();
    } else if (method === 'ValidatorRewarded' && data.who.toString() === who) {
      paid += data.amount.toBigInt();
    } else if (method === 'IssuanceMinted' && who === treasury) {
      paid += data.toTreasury.toBigInt();
    }
  }
  return paid;
}

/** `who`'s `{ free, held }` just before and just after block `blockHash`. */
export async function balancesAround(api, blockHash, who) {
  const states = await statesAround(api, blockHash);
  return Promise.all(states.map((state) => balancesIn(state, who)));
}

/**
 * Planck minted by the sessions that ended in blocks `from` + 1 … `to`
 * (`validators.IssuanceMinted`): what total issuance grows by between those blocks when
 * nothing else mints or burns.
 */
export async function issuanceMintedBetween(api, from, to) {
  let minted = 0n;
  for (let number = from + 1; number <= to; number += 1) {
    const events = await (await api.at(await api.rpc.chain.getBlockHash(number))).query.system.events();
    for (const { event } of events) {
      if (api.events.validators.IssuanceMinted.is(event)) minted += event.data.minted.toBigInt();
    }
  }
  return minted;
}
