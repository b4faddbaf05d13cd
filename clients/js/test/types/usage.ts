// Compiled (not run) by test/types.test.js: the declarations of src/index.d.ts describe
// how the package is used in the docs.
import { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import {
  MetadataMismatch, PayingClient, PaymentRefused, agoraRpc, discoverService, encodeReceipt, marketplaceParameters, metadataHash,
  openChannel,
  receiptHeaders, receiptSigner, signReceipt, type ServiceMetadata,
} from '../../src/index.js';

export async function paidCall(api: ApiPromise): Promise<bigint> {
  const keyring = new Keyring({ type: 'sr25519' });
  const dave = keyring.addFromUri('//Dave');
  const client = await PayingClient.connect(api, {
    serviceId: 0, account: dave, appKey: keyring.addFromUri('//Dave//app'), deposit: 10n ** 12n, duration: 1_000,
  });
  try {
    const response: Response = await client.fetch('/chat/completions', { method: 'POST', body: '{}' });
    await response.json();
  } catch (error) {
    if (error instanceof PaymentRefused) console.log(error.reason, error.status);
    if (error instanceof MetadataMismatch) console.log(error.expected, error.actual);
  }
  const owed: bigint = client.owedUnits;
  const { channelId } = await openChannel(api, { address: dave.address, signer: {} }, {
    serviceId: 0, deposit: 10n ** 12n, duration: 100, receiptSigner: receiptSigner(dave), agreedPrice: { unit: 'Token1k', perUnit: 1n },
  });
  const headers: Record<string, string> = receiptHeaders(signReceipt(dave, api.genesisHash.toHex(), channelId, owed));
  const payload: Uint8Array = encodeReceipt(api.genesisHash.toHex(), channelId, 1);
  const { metadata, endpoint }: { metadata: ServiceMetadata; endpoint: string } = await discoverService(api, 0);
  const { minChannelDeposit, protocolFee }: { minChannelDeposit: bigint; protocolFee: number } = await marketplaceParameters(api);
  console.log(minChannelDeposit, protocolFee);
  console.log(headers, payload, metadata.endpoints[0].url, endpoint, metadataHash('{}'), agoraRpc.agora);
  return client.settle();
}
