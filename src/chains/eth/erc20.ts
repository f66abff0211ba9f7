/**
 * ERC-20 `transfer(address,uint256)` call data (https://eips.ethereum.org/EIPS/eip-20), ABI
 * encoded per the Solidity ABI spec: the 4-byte selector keccak256("transfer(address,uint256)")[0..4]
 * = 0xa9059cbb, then two 32-byte words: the recipient left-padded with zeros, the amount.
 */
import { bytesToHex, checksumAddress, decodeFunctionData, encodeFunctionData, erc20Abi, hexToBytes } from 'viem';
import type { Address } from 'viem';
import { parseAddress } from './address.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import { InvalidCallDataError, InvalidTransactionError } from './errors.ts';
import type { InvalidAddressError } from './errors.ts';

/** keccak256("transfer(address,uint256)")[0..4]. */
export const ERC20_TRANSFER_SELECTOR = '0xa9059cbb';
/** Selector + two ABI words. */
const TRANSFER_CALL_DATA_LENGTH = 4 + 32 + 32;
const MAX_UINT256 = (1n << 256n) - 1n;

export type EncodeErc20TransferErrorType = InvalidAddressError | InvalidTransactionError | InvalidArgumentError;

/**
 * Call data for `transfer(to, amount)`; send it in a transaction to the token contract with
 * value 0. A zero amount is encoded (EIP-20: "Transfers of 0 values MUST be treated as normal
 * transfers").
 *
 * @throws {InvalidAddressError} when `to` fails `parseAddress`.
 * @throws {InvalidTransactionError} when `amount` is not a bigint in 0..2^256-1.
 *
 * @example
 * bytesToHex(encodeErc20Transfer({ to: '0x...', amount: 1_000_000n }));
 */
export function encodeErc20Transfer(args: { to: string; amount: bigint }): Uint8Array {
  assertParameterObject(args, 'encodeErc20Transfer');
  const { to, amount } = args;
  const recipient = parseAddress(to);
  if (typeof amount !== 'bigint' || amount < 0n || amount > MAX_UINT256) {
    throw new InvalidTransactionError({
      field: 'amount',
      value: describeValue(amount),
      details: 'expected a bigint in 0..2^256-1',
    });
  }
  return hexToBytes(encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipient, amount] }));
}

/**
 * Parses `transfer(address,uint256)` call data back, strictly: exactly 68 bytes, the transfer
 * selector, and an address word whose 12 padding bytes are zero (the ABI's canonical form;
 * anything else is not what a wallet produced and is refused rather than reinterpreted).
 *
 * @throws {InvalidCallDataError} naming the data.
 */
export function decodeErc20Transfer(data: Uint8Array): { to: Address; amount: bigint } {
  if (!(data instanceof Uint8Array)) {
    throw new InvalidCallDataError(describeValue(data), 'expected a Uint8Array');
  }
  const hex = bytesToHex(data);
  if (data.length < 4 || bytesToHex(data.subarray(0, 4)) !== ERC20_TRANSFER_SELECTOR) {
    throw new InvalidCallDataError(hex, `expected selector ${ERC20_TRANSFER_SELECTOR}`);
  }
  if (data.length !== TRANSFER_CALL_DATA_LENGTH) {
    throw new InvalidCallDataError(hex, `expected ${TRANSFER_CALL_DATA_LENGTH} bytes, got ${data.length}`);
  }
  if (data.subarray(4, 16).some((byte) => byte !== 0)) {
    throw new InvalidCallDataError(hex, 'address word has non-zero padding');
  }
  const { functionName, args } = decodeFunctionData({ abi: erc20Abi, data: hex });
  if (functionName !== 'transfer') {
    throw new InvalidCallDataError(hex, `decoded as ${functionName}, not transfer`);
  }
  const [to, amount] = args;
  return { to: checksumAddress(to), amount };
}
