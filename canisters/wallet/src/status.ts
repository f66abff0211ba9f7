/** `status`: what an operator watches — the log's length, signatures in flight, cycles, pause. */
import { canisterCycleBalance, IDL } from 'azle';
import { treeSize } from './audit/log.ts';
import { signaturesInFlight } from './guards.ts';
import { loadSettings } from './settings.ts';

export const WalletStatus = IDL.Record({
  audit_length: IDL.Nat64,
  signatures_in_flight: IDL.Nat32,
  cycles: IDL.Nat,
  signing_paused: IDL.Bool,
});
export type WalletStatus = { audit_length: bigint; signatures_in_flight: number; cycles: bigint; signing_paused: boolean };

export function walletStatus(): WalletStatus {
  return {
    audit_length: treeSize(),
    signatures_in_flight: signaturesInFlight(),
    cycles: canisterCycleBalance(),
    signing_paused: loadSettings().paused.length > 0,
  };
}
