/**
 * Controller-only administration: the chains, the signing limits, pausing and resuming signing,
 * and the auditors. Each change is an audit-log entry with the state before and after, so the
 * log shows who changed what and when, beside every signature.
 */
import { IDL, time, type Principal } from 'azle';
import {
  ACCESS_ERRORS,
  EvmChain,
  InvalidRequest,
  SolanaConfig,
  type AccessError,
  type EvmChain as EvmChainT,
  type InvalidRequest as InvalidRequestT,
  type Result,
  type SolanaConfig as SolanaConfigT,
} from './candid.ts';
import { appendAdminEntry } from './audit/log.ts';
import { describeChains, loadConfig, setEvmChains, setSolana } from './config.ts';
import { requireController } from './guards.ts';
import { Limits, loadSettings, saveSettings, type Limits as LimitsT, type Settings } from './settings.ts';

export const AdminError = IDL.Variant({ ...ACCESS_ERRORS, InvalidRequest });
export type AdminError = AccessError | { InvalidRequest: InvalidRequestT };
export const AdminResult = IDL.Variant({ Ok: IDL.Null, Err: AdminError });
export type AdminResult = Result<null, AdminError>;
export { EvmChain, Limits, SolanaConfig };

function admin({
  caller,
  method,
  change,
}: {
  caller: Principal;
  method: string;
  change: () => { before: string; after: string } | InvalidRequestT;
}): AdminResult {
  const refused = requireController(caller);
  if (refused !== undefined) return { Err: refused };
  const outcome = change();
  if ('field' in outcome) return { Err: { InvalidRequest: outcome } };
  appendAdminEntry({ caller, method, before: outcome.before, after: outcome.after });
  return { Ok: null };
}

export function adminSetEvmChains({ caller, chains }: { caller: Principal; chains: EvmChainT[] }): AdminResult {
  return admin({
    caller,
    method: 'admin_set_evm_chains',
    change: () => {
      const before = describeChains(loadConfig());
      const problem = setEvmChains(chains);
      return problem === undefined
        ? { before, after: describeChains(loadConfig()) }
        : { field: 'evm_chains', error: 'InvalidConfig', message: problem };
    },
  });
}

export function adminSetSolana({ caller, solana }: { caller: Principal; solana: SolanaConfigT }): AdminResult {
  return admin({
    caller,
    method: 'admin_set_solana',
    change: () => {
      const before = describeChains(loadConfig());
      const problem = setSolana(solana);
      return problem === undefined
        ? { before, after: describeChains(loadConfig()) }
        : { field: 'solana', error: 'InvalidConfig', message: problem };
    },
  });
}

export function adminSetLimits({ caller, limits }: { caller: Principal; limits: LimitsT }): AdminResult {
  return admin({
    caller,
    method: 'admin_set_limits',
    change: () => {
      if (limits.rate_limit === 0 || limits.rate_window_seconds === 0 || limits.daily_quota === 0 || limits.max_in_flight === 0) {
        return { field: 'limits', error: 'InvalidLimits', message: 'limits must be positive; pause signing to stop it' };
      }
      const settings = loadSettings();
      saveSettings({ ...settings, limits });
      return { before: describeLimits(settings.limits), after: describeLimits(limits) };
    },
  });
}

export function adminPauseSigning({ caller, reason }: { caller: Principal; reason: string }): AdminResult {
  return admin({
    caller,
    method: 'admin_pause_signing',
    change: () => {
      if (reason.length === 0 || reason.length > 500)
        return { field: 'reason', error: 'InvalidReason', message: 'a reason of 1 to 500 characters' };
      const settings = loadSettings();
      saveSettings({ ...settings, paused: [{ reason, since_ns: time() }] });
      return { before: describePause(settings), after: describePause(loadSettings()) };
    },
  });
}

export function adminResumeSigning({ caller }: { caller: Principal }): AdminResult {
  return admin({
    caller,
    method: 'admin_resume_signing',
    change: () => {
      const settings = loadSettings();
      saveSettings({ ...settings, paused: [] });
      return { before: describePause(settings), after: describePause(loadSettings()) };
    },
  });
}

export function adminSetAuditors({ caller, auditors }: { caller: Principal; auditors: Principal[] }): AdminResult {
  return admin({
    caller,
    method: 'admin_set_auditors',
    change: () => {
      if (auditors.length > 20) return { field: 'auditors', error: 'TooManyAuditors', message: `at most 20, got ${auditors.length}` };
      if (auditors.some((auditor) => auditor.isAnonymous()))
        return { field: 'auditors', error: 'AnonymousAuditor', message: 'the anonymous principal cannot audit' };
      const settings = loadSettings();
      saveSettings({ ...settings, auditors });
      return { before: JSON.stringify(settings.auditors.map((p) => p.toText())), after: JSON.stringify(auditors.map((p) => p.toText())) };
    },
  });
}

function describeLimits(limits: LimitsT): string {
  return JSON.stringify({ ...limits, cycles_floor: limits.cycles_floor.toString() });
}

function describePause(settings: Settings): string {
  return JSON.stringify(settings.paused.length === 0 ? { paused: false } : { paused: true, reason: settings.paused[0].reason });
}
