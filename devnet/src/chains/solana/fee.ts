// The fee the runtime charges for a message (agave fee/src/lib.rs and
// compute-budget-instruction): 5,000 lamports per signature, counting the
// signatures that the ed25519 / secp256k1 / secp256r1 precompiles verify,
// plus the prioritization fee ceil(compute unit price x compute unit limit
// / 10^6), both read from the ComputeBudget instructions.

import { COMPUTE_BUDGET_PROGRAM_ID, toBase58 } from './encoding.ts';
import type { Message } from './wire.ts';

export const LAMPORTS_PER_SIGNATURE = 5_000n;
const MICRO_LAMPORTS_PER_LAMPORT = 1_000_000n;
const MAX_COMPUTE_UNIT_LIMIT = 1_400_000n;
// Defaults when no SetComputeUnitLimit is given: builtin programs reserve
// 3,000 CUs an instruction, any other program 200,000.
const BUILTIN_INSTRUCTION_COMPUTE_UNITS = 3_000n;
const DEFAULT_INSTRUCTION_COMPUTE_UNITS = 200_000n;

const PRECOMPILES = new Set([
  'Ed25519SigVerify111111111111111111111111111',
  'KeccakSecp256k11111111111111111111111111111',
  'Secp256r1SigVerify1111111111111111111111111',
]);

// Builtins that are not migrated to on-chain (BPF) programs.
const BUILTINS = new Set([
  '11111111111111111111111111111111',
  'Vote111111111111111111111111111111111111111',
  COMPUTE_BUDGET_PROGRAM_ID,
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
  'LoaderV411111111111111111111111111111111111',
  'ZkE1Gama1Proof11111111111111111111111111111',
  ...PRECOMPILES,
]);

/**
 * The fee in lamports the runtime charges for `message`.
 *
 * @example
 * computeMessageFee(message) // 5000n for a one-signature SOL transfer
 */
export function computeMessageFee(message: Message): bigint {
  let signatures = BigInt(message.header.numRequiredSignatures);
  let unitLimit: bigint | undefined;
  let unitPrice = 0n;
  let defaultLimit = 0n;
  for (const instruction of message.instructions) {
    const key = message.staticAccountKeys[instruction.programIdIndex];
    const program = key ? toBase58(key) : '';
    if (PRECOMPILES.has(program)) signatures += BigInt(instruction.data[0] ?? 0);
    defaultLimit += BUILTINS.has(program) ? BUILTIN_INSTRUCTION_COMPUTE_UNITS : DEFAULT_INSTRUCTION_COMPUTE_UNITS;
    if (program !== COMPUTE_BUDGET_PROGRAM_ID) continue;
    const view = new DataView(instruction.data.buffer, instruction.data.byteOffset, instruction.data.byteLength);
    // ComputeBudgetInstruction: 2 = SetComputeUnitLimit(u32), 3 = SetComputeUnitPrice(u64).
    if (instruction.data[0] === 2 && instruction.data.length >= 5) unitLimit = BigInt(view.getUint32(1, true));
    if (instruction.data[0] === 3 && instruction.data.length >= 9) unitPrice = view.getBigUint64(1, true);
  }
  const limit = min(unitLimit ?? defaultLimit, MAX_COMPUTE_UNIT_LIMIT);
  const prioritization = (unitPrice * limit + MICRO_LAMPORTS_PER_LAMPORT - 1n) / MICRO_LAMPORTS_PER_LAMPORT;
  return signatures * LAMPORTS_PER_SIGNATURE + prioritization;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
