/**
 * Signing fees of the devnet's threshold keys, in cycles, one table.
 *
 * How the IC prices a signature: the cycles account manager holds one base fee per signature,
 * 10_000_000_000 cycles, defined for a 13-node subnet, and scales it linearly with the size of the
 * subnet that holds the key (`ecdsa_signature_fee` / `schnorr_signature_fee` in
 * rs/cycles_account_manager; the same figure for ECDSA, BIP340 and Ed25519). The result is
 * truncated to whole cycles. Public-key calls are free.
 *
 * Mainnet check of the formula (DFINITY's "threshold signatures: fees" page):
 *   key_1      on the 34-node fiduciary subnet: 10_000_000_000 * 34 / 13 = 26_153_846_153 (.85 dropped)
 *   test_key_1 on a 13-node subnet:             10_000_000_000 * 13 / 13 = 10_000_000_000
 *   (and the 28-node subnet key_1 once lived on: 10_000_000_000 * 28 / 13 = 21_538_461_538, the
 *   figure dfinity/examples#389 had to raise its attached cycles to.)
 */
import type { KeyName } from './key-id.ts';

/** The IC's base signature fee, for a subnet of `REFERENCE_SUBNET_SIZE` nodes. */
export const BASE_SIGNATURE_FEE = 10_000_000_000n;
/** The subnet size the base fee is defined for. */
export const REFERENCE_SUBNET_SIZE = 13n;

/** The fee a subnet of `nodes` nodes charges per signature (integer division truncates, as the replica does). */
export function signatureFeeForSubnetSize(nodes: bigint): bigint {
  return (BASE_SIGNATURE_FEE * nodes) / REFERENCE_SUBNET_SIZE;
}

/**
 * The devnet's fee per key name. Mainnet's figures for the mainnet key names, so a wallet tested
 * here attaches what it must attach in production:
 * - `key_1`: 26_153_846_153, as mainnet (34-node fiduciary subnet).
 * - `test_key_1`: 10_000_000_000, as mainnet (13-node subnet).
 * - `dfx_test_key`: 10_000_000_000, what a local replica charges: a local network is priced as a
 *   13-node subnet, and the replica's reject text states the requirement exactly
 *   ("... but 10_000_000_000 cycles are required."), as observed on a PocketIC-based local network.
 * Overridable per instance through `ThresholdConfig.fees`.
 */
export const DEFAULT_SIGNATURE_FEES: Readonly<Record<KeyName, bigint>> = Object.freeze({
  key_1: signatureFeeForSubnetSize(34n),
  test_key_1: signatureFeeForSubnetSize(13n),
  dfx_test_key: signatureFeeForSubnetSize(13n),
});
