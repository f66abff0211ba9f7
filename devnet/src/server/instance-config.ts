/**
 * PocketIC's `CreateInstanceRequest` (dfinity/ic rs/pocket_ic_server, `InstanceConfig` in
 * packages/pocket-ic/src/common/rest.rs), as @dfinity/pic sends it: every option is honoured or
 * refused with a message that names it. None is silently ignored.
 */
import type { SubnetSpec } from '../ic/instance.ts';
import type { SubnetKind } from '../ic/ids.ts';
import { BadRequest, toBigInt } from './json.ts';

export interface InstanceConfig {
  subnets: SubnetSpec[];
  /** `initial_time`: a timestamp, or null for PocketIC's genesis time. */
  initialTimeNs: bigint | null;
  /** `initial_time: { AutoProgress }`: start in live mode with this delay between rounds. */
  autoProgressDelayMs: number | null;
}

/** Fields of the request the devnet knows; anything else is refused by name. */
const KNOWN_FIELDS = new Set(['subnet_config_set', 'initial_time', 'icp_config', 'icp_features', 'disable_ingress_validation']);
const KNOWN_SUBNET_FIELDS = new Set(['dts_flag', 'instruction_config', 'cost_schedule', 'state_config']);

export function parseInstanceConfig(req: unknown): InstanceConfig {
  if (!req || typeof req !== 'object' || Array.isArray(req)) throw new BadRequest('CreateInstanceRequest: expected a JSON object');
  const r = req as Record<string, unknown>;
  for (const [k, v] of Object.entries(r)) {
    if (v !== null && v !== undefined && !KNOWN_FIELDS.has(k))
      throw new BadRequest(`CreateInstanceRequest: the devnet does not support "${k}"`);
  }
  const set = r.subnet_config_set;
  if (!set || typeof set !== 'object') throw new BadRequest('CreateInstanceRequest: missing subnet_config_set');
  const subnets: SubnetSpec[] = [];
  const add = (kind: SubnetKind, field: string, cfg: unknown) => {
    if (cfg === undefined || cfg === null) return;
    if (typeof cfg !== 'object') throw new BadRequest(`subnet_config_set.${field}: expected an object`);
    const c = cfg as Record<string, unknown>;
    for (const [k, v] of Object.entries(c)) {
      if (v !== null && v !== undefined && !KNOWN_SUBNET_FIELDS.has(k)) {
        throw new BadRequest(`subnet_config_set.${field}: the devnet does not support "${k}"`);
      }
    }
    if (c.state_config !== undefined && c.state_config !== 'New') {
      throw new BadRequest(`subnet_config_set.${field}: the devnet creates subnets from scratch only (state_config "New")`);
    }
    // DTS spreads a long message over rounds on PocketIC; the devnet runs it within one round
    // either way, so both settings are accepted (no state differs, only the round count).
    if (c.dts_flag !== undefined && c.dts_flag !== 'Enabled' && c.dts_flag !== 'Disabled') {
      throw new BadRequest(`subnet_config_set.${field}.dts_flag: expected "Enabled" or "Disabled"`);
    }
    if (c.instruction_config !== undefined && c.instruction_config !== 'Production' && c.instruction_config !== 'Benchmarking') {
      throw new BadRequest(`subnet_config_set.${field}.instruction_config: expected "Production" or "Benchmarking"`);
    }
    const schedule = c.cost_schedule ?? 'Normal';
    if (schedule !== 'Normal' && schedule !== 'Free')
      throw new BadRequest(`subnet_config_set.${field}.cost_schedule: expected "Normal" or "Free"`);
    // PicJS: "Free ... Only supported on application subnets".
    if (schedule === 'Free' && kind !== 'Application') {
      throw new BadRequest(`subnet_config_set.${field}.cost_schedule: "Free" is only supported on application subnets`);
    }
    subnets.push({ kind, benchmarking: c.instruction_config === 'Benchmarking', freeCycles: schedule === 'Free' });
  };
  const s = set as Record<string, unknown>;
  add('NNS', 'nns', s.nns);
  add('SNS', 'sns', s.sns);
  add('II', 'ii', s.ii);
  add('Fiduciary', 'fiduciary', s.fiduciary);
  add('Bitcoin', 'bitcoin', s.bitcoin);
  for (const [field, kind] of [
    ['system', 'System'],
    ['application', 'Application'],
    ['verified_application', 'Application'],
  ] as const) {
    const list = s[field] ?? [];
    if (!Array.isArray(list)) throw new BadRequest(`subnet_config_set.${field}: expected an array`);
    list.forEach((cfg, i) => add(kind, `${field}[${i}]`, cfg));
  }
  const cloud = s.cloud_engine ?? [];
  if (!Array.isArray(cloud) || cloud.length > 0)
    throw new BadRequest('subnet_config_set.cloud_engine: the devnet has no cloud engine subnets');
  if (subnets.length === 0) throw new BadRequest('At least one subnet must be configured.');

  refuseSetFlags(r.icp_config, 'icp_config', 'the devnet runs with the default ICP configuration');
  refuseSetFlags(r.icp_features, 'icp_features', 'the devnet deploys no NNS, ledger, SNS or II canisters');
  if (r.disable_ingress_validation !== undefined && r.disable_ingress_validation !== null && r.disable_ingress_validation !== false) {
    throw new BadRequest(
      'disable_ingress_validation: the devnet takes ingress messages through the REST API only, which has no validation to disable',
    );
  }

  let initialTimeNs: bigint | null = null;
  let autoProgressDelayMs: number | null = null;
  const t = r.initial_time as Record<string, any> | null | undefined;
  if (t !== undefined && t !== null) {
    if (typeof t === 'object' && 'Timestamp' in t) {
      initialTimeNs = toBigInt(t.Timestamp?.nanos_since_epoch, 'initial_time.Timestamp.nanos_since_epoch');
    } else if (typeof t === 'object' && 'AutoProgress' in t) {
      const delay = t.AutoProgress?.artificial_delay_ms ?? 0;
      autoProgressDelayMs = Number(toBigInt(delay, 'initial_time.AutoProgress.artificial_delay_ms'));
    } else {
      throw new BadRequest('initial_time: expected { Timestamp: { nanos_since_epoch } } or { AutoProgress: { artificial_delay_ms } }');
    }
  }
  return { subnets, initialTimeNs, autoProgressDelayMs };
}

function refuseSetFlags(v: unknown, field: string, why: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequest(`${field}: expected an object`);
  for (const [k, flag] of Object.entries(v)) {
    if (flag !== undefined && flag !== null) throw new BadRequest(`${field}.${k}: not supported, ${why}`);
  }
}
