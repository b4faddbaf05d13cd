// What a user is charged for the scenarios' calls, as a wallet shows it before sending:
// `payment_queryInfo` (the weight and the fee) and `payment_queryFeeDetails` (its parts).
import { rpcCall } from '@agora/test-support';

async function query(httpUrl, method, hex) {
  const response = await rpcCall(httpUrl, method, [hex]);
  if (response.error || response.result === undefined) {
    throw new Error(`${method}: ${JSON.stringify(response.error ?? response)}`);
  }
  return response.result;
}

/** The fee quote of each signed extrinsic (hex) of `signedByName`, in planck and picoseconds. */
export async function feeQuotes(httpUrl, signedByName) {
  const quotes = {};
  for (const [name, hex] of Object.entries(signedByName)) {
    const info = await query(httpUrl, 'payment_queryInfo', hex);
    const { inclusionFee } = await query(httpUrl, 'payment_queryFeeDetails', hex);
    quotes[name] = {
      lengthBytes: (hex.length - 2) / 2,
      weightPs: BigInt(info.weight.ref_time).toString(),
      partialFee: BigInt(info.partialFee).toString(),
      baseFee: BigInt(inclusionFee.baseFee).toString(),
      lengthFee: BigInt(inclusionFee.lenFee).toString(),
      weightFee: BigInt(inclusionFee.adjustedWeightFee).toString(),
    };
  }
  return quotes;
}
