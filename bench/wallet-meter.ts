/**
 * What the wallet benchmarks share: the canister's instructions for one call, read from the
 * devnet's per-canister counters around it (the method and every callback), the wall time
 * through the client, and a signature's share of its `key_1` fee: 26,153,846,153 cycles, of which
 * the target 0.1 % pays for 65,384,615 instructions at 0.4 cycles per instruction (13-node subnet).
 */
export const KEY_1_FEE = 26_153_846_153n;
export const CYCLES_PER_INSTRUCTION = 0.4;
export const TARGET_INSTRUCTIONS_PER_SIGNATURE = Number(KEY_1_FEE / 1000n) / CYCLES_PER_INSTRUCTION;

export const fmt = (n: number | bigint): string => Math.round(Number(n)).toLocaleString('en-US');

/** A signature costing `instructions` as a percentage of the key_1 fee. */
export const feeShare = (instructions: number): string => ((instructions * CYCLES_PER_INSTRUCTION * 100) / Number(KEY_1_FEE)).toFixed(3);

export type Measured = { instructions: number; ms: number };

/**
 * `measure(runs, call)`: the mean instructions and milliseconds of `call` on the canister, from
 * the devnet's stats route of `instanceUrl` (`<server>/instances/<id>`).
 */
export function walletMeter({ instanceUrl, canisterId }: { instanceUrl: string; canisterId: string }) {
  const stats = async (): Promise<number> => {
    const all = (await (await fetch(`${instanceUrl}/devnet/stats`)).json()) as { canister_id: string; instructions: number }[];
    return Number(all.find((s) => s.canister_id === canisterId)!.instructions);
  };
  return async ({ runs, call }: { runs: number; call: () => Promise<unknown> }): Promise<Measured> => {
    const before = await stats();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await call();
    const ms = (performance.now() - t0) / runs;
    return { instructions: ((await stats()) - before) / runs, ms };
  };
}
