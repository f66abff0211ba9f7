/**
 * Signing fees of the devnet's threshold keys, in cycles, one table.
 *
 * How the IC prices a signature: the replica's `sign_with_threshold` charges
 * `cycles_account_manager.ecdsa_signature_fee(subnet_size, cost_schedule)` (or
 * `schnorr_signature_fee`, the same figure; rs/execution_environment/src/execution_environment.rs
 * `calculate_signature_fee`): one base fee of 10_000_000_000 cycles, defined for a 13-node subnet
 * and scaled linearly with the size of the subnet that holds the key, truncated to whole cycles.
 * Public-key calls are free (their cycles are refunded).
 *
 * Mainnet check of the formula against the published fees (shared/reference/IC-FACTS.md):
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
 * - `dfx_test_key`: 10_000_000_000, what a local replica charges: a published run against a
 *   PocketIC-based local network (icp network launcher) quotes the replica's reject for a
 *   signature with too few cycles as requiring exactly 10_000_000_000 cycles, i.e. the base
 *   (13-node) fee. Cheap enough for tests, and not free, so a canister that forgets to attach
 *   cycles fails here as it would anywhere.
 * Overridable per instance through `ThresholdConfig.fees`.
 */
export const DEFAULT_SIGNATURE_FEES: Readonly<Record<KeyName, bigint>> = Object.freeze({
  key_1: signatureFeeForSubnetSize(34n),
  test_key_1: signatureFeeForSubnetSize(13n),
  dfx_test_key: signatureFeeForSubnetSize(13n),
});
