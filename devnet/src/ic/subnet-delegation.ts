/**
 * Subnet delegations (IC interface spec, "Delegation"): a certificate issued by a subnet other than
 * the root subnet carries `{ subnet_id, certificate }`, where the certificate is signed by the root
 * key over the subnet's public key and canister ranges, so a verifier holding only the root key
 * can trust the subnet's signature, and only for canisters in its ranges. The ranges are given both
 * as `subnet/<id>/canister_ranges` and sharded under `canister_ranges/<id>/<first id of shard>`,
 * the two forms agents look up.
 */
import { Cbor } from '@icp-sdk/core/agent';
import { labeledForest, leaf, type Certifier } from './certification.ts';
import { canisterIdFromIndex } from './ids.ts';
import type { Instance, Subnet } from './instance.ts';
import { encodeUnsigned } from '../wasm/leb128.ts';

export interface Delegation {
  subnet_id: Uint8Array;
  certificate: Uint8Array;
}

/** How long a delegation is reused: the IC reissues them rarely; agents accept them for 30 days. */
const REISSUE_AFTER_NS = 600_000_000_000n;

const cache = new WeakMap<Subnet, { timeNs: bigint; delegation: Delegation }>();

/** The delegation of `subnet` at the instance's time, or null on the root subnet. */
export function subnetDelegation(args: { instance: Instance; subnet: Subnet }): Delegation | null {
  const { subnet } = args;
  if (subnet.isRoot) return null;
  const now = args.instance.certifiedTimeNs;
  const hit = cache.get(subnet);
  if (hit && now >= hit.timeNs && now - hit.timeNs < REISSUE_AFTER_NS) return hit.delegation;
  const root = args.instance.subnets.find((s) => s.isRoot)!.certifier;
  const delegation = issueDelegation({ root, subnet, timeNs: now });
  cache.set(subnet, { timeNs: now, delegation });
  return delegation;
}

export function issueDelegation(args: { root: Certifier; subnet: Subnet; timeNs: bigint }): Delegation {
  const { subnet } = args;
  const id = subnet.id.toUint8Array();
  const first = canisterIdFromIndex(subnet.start).toUint8Array();
  const ranges = Cbor.encode([[first, canisterIdFromIndex(subnet.end).toUint8Array()]]);
  const tree = labeledForest([
    ['canister_ranges', labeledForest([[id, labeledForest([[first, leaf(ranges)]])]])],
    [
      'subnet',
      labeledForest([
        [
          id,
          labeledForest([
            ['canister_ranges', leaf(ranges)],
            ['public_key', leaf(subnet.certifier.rootKeyDer)],
          ]),
        ],
      ]),
    ],
    ['time', leaf(encodeUnsigned(args.timeNs))],
  ]);
  return { subnet_id: id, certificate: args.root.certify(tree) };
}
