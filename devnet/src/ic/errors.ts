/**
 * Reject codes and error codes of the Internet Computer, with the texts the replica uses.
 * Reject codes: IC interface spec, "Reject codes". Error codes: the replica's `ErrorCode`
 * (ic-error-types), whose first digit is the reject code.
 */
export const RejectCode = {
  SysFatal: 1,
  SysTransient: 2,
  DestinationInvalid: 3,
  CanisterReject: 4,
  CanisterError: 5,
  SysUnknown: 6,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** What a service the devnet hosts (Bitcoin canister, threshold signing) answers a call with. */
export type ServiceResult =
  | { kind: 'reply'; reply: Uint8Array /* Candid-encoded */; cyclesCharged: bigint }
  | { kind: 'reject'; code: RejectCode; message: string; cyclesCharged: bigint };

/** The replica's error codes we produce (name -> number). */
export const ErrorCode = {
  CanisterOutOfCycles: 207,
  CanisterNotFound: 301,
  CanisterSnapshotNotFound: 305,
  CanisterIdAlreadyExists: 205,
  InsufficientCyclesForCreateCanister: 403,
  SubnetNotFound: 404,
  CanisterRejectedMessage: 406,
  UnknownManagementMessage: 407,
  InvalidManagementPayload: 408,
  CanisterTrapped: 502,
  CanisterCalledTrap: 503,
  CanisterContractViolation: 504,
  CanisterInvalidWasm: 505,
  CanisterDidNotReply: 506,
  CanisterOutOfMemory: 507,
  CanisterStopped: 508,
  CanisterStopping: 509,
  CanisterNotStopped: 510,
  CanisterInvalidController: 512,
  CanisterNonEmpty: 514,
  InsufficientCyclesInCall: 520,
  CanisterInstructionLimitExceeded: 522,
  InsufficientCyclesInComputeAllocation: 530,
  InsufficientCyclesInMemoryAllocation: 531,
  CanisterMethodNotFound: 536,
  CanisterWasmModuleNotFound: 537,
  CanisterAlreadyInstalled: 538,
  CanisterWasmMemoryLimitExceeded: 539,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

/** A failure that becomes a reject: of an ingress message, a query, or an inter-canister call. */
export class IcError extends Error {
  override name = 'IcError';
  readonly rejectCode: RejectCode;
  readonly errorCode: ErrorCodeName;
  constructor(args: { errorCode: ErrorCodeName; message: string; rejectCode?: RejectCode }) {
    super(args.message);
    this.errorCode = args.errorCode;
    this.rejectCode = args.rejectCode ?? (Math.floor(ErrorCode[args.errorCode] / 100) as RejectCode);
  }
}

/** A trap inside canister code: rolls back the message, then becomes an IcError. */
export class CanisterTrap extends Error {
  override name = 'CanisterTrap';
  readonly kind:
    'trap' | 'called_trap' | 'instruction_limit' | 'contract_violation' | 'wasm_memory_limit' | 'out_of_memory' | 'out_of_cycles';
  constructor(kind: CanisterTrap['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Texts the replica uses, in one place. */
export const messages = {
  canisterNotFound: (id: string) => `Canister ${id} not found`,
  noWasm: (id: string) => `Error from Canister ${id}: Attempted to execute a message, but the canister contains no Wasm module.`,
  methodNotFound: (id: string, kind: 'update' | 'query', method: string) =>
    `Error from Canister ${id}: Canister has no ${kind} method '${method}'.`,
  stopped: (id: string) => `Canister ${id} is stopped and therefore does not have a CallContextManager`,
  stopping: (id: string) => `Canister ${id} is stopping`,
  didNotReply: (id: string) => `Error from Canister ${id}: Canister did not produce a response.`,
  notController: (id: string, method: string, caller: string) =>
    `Only controllers of canister ${id} can call ic00 method ${method}. Sender ${caller} is not a controller.`,
} as const;

/** How a trap is reported, by kind (the replica's wording). */
export function trapToIcError(canisterId: string, trap: CanisterTrap): IcError {
  switch (trap.kind) {
    case 'called_trap':
      return new IcError({
        errorCode: 'CanisterCalledTrap',
        message: `Error from Canister ${canisterId}: Canister called \`ic0.trap\` with message: '${trap.message}'.`,
      });
    case 'instruction_limit':
      return new IcError({
        errorCode: 'CanisterInstructionLimitExceeded',
        message: `Error from Canister ${canisterId}: Canister exceeded the limit of ${trap.message} instructions for single message execution.`,
      });
    case 'contract_violation':
      return new IcError({
        errorCode: 'CanisterContractViolation',
        message: `Error from Canister ${canisterId}: Canister violated contract: ${trap.message}.`,
      });
    case 'wasm_memory_limit':
      // HypervisorError::WasmMemoryLimitExceeded; the message is the limit's text, its own period kept.
      return new IcError({ errorCode: 'CanisterWasmMemoryLimitExceeded', message: `Error from Canister ${canisterId}: ${trap.message}.` });
    case 'out_of_memory':
      return new IcError({ errorCode: 'CanisterOutOfMemory', message: `Error from Canister ${canisterId}: ${trap.message}.` });
    case 'out_of_cycles':
      // HypervisorError::InsufficientCyclesBalance: IC0504, the CanisterOutOfCyclesError text, no help.
      return new IcError({ errorCode: 'CanisterContractViolation', message: `Error from Canister ${canisterId}: ${trap.message}` });
    case 'trap':
      return new IcError({
        errorCode: 'CanisterTrapped',
        message: `Error from Canister ${canisterId}: Canister trapped: ${trap.message}.`,
      });
  }
}
