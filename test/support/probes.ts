/** Candid interfaces of the probe canisters (test/fixtures), for @dfinity/pic actors. */
import type { IDL as IDLType } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';

type CallOutcome = { Ok: string } | { Err: { code: number; message: string } };

export interface AzleProbe {
  get(): Promise<bigint>;
  inc(): Promise<bigint>;
  queryMutate(): Promise<bigint>;
  trapAfterWrite(): Promise<bigint>;
  setStable(key: string, value: string): Promise<[] | [string]>;
  getStable(key: string): Promise<[] | [string]>;
  whoami(): Promise<Principal>;
  self(): Promise<Principal>;
  now(): Promise<bigint>;
  echo(s: string): Promise<string>;
  spin(n: number): Promise<bigint>;
  forever(): Promise<bigint>;
  callText(canister: Principal, method: string, arg: string): Promise<CallOutcome>;
  sendCycles(canister: Principal, method: string, amount: bigint): Promise<{ result: bigint; balanceBefore: bigint; balanceAfter: bigint }>;
  acceptHalf(): Promise<bigint>;
  rawRand(): Promise<Uint8Array>;
  startTimer(delaySeconds: number): Promise<bigint>;
  timerCount(): Promise<bigint>;
  setCertified(data: Uint8Array): Promise<null>;
  certificate(): Promise<[] | [Uint8Array]>;
  balance(): Promise<bigint>;
  controls(p: Principal): Promise<boolean>;
  rawCall(
    canister: Principal,
    method: string,
    arg: Uint8Array,
    cycles: bigint,
  ): Promise<{ Ok: Uint8Array } | { Err: { code: number; message: string } }>;
  log(line: string): Promise<null>;
  callThenTrap(canister: Principal): Promise<bigint>;
  cleanupCount(): Promise<bigint>;
  httpGet(url: string, maxResponseBytes: [] | [bigint]): Promise<{ Ok: HttpResult } | { Err: { code: number; message: string } }>;
}

export type HttpResult = { status: bigint; headers: { name: string; value: string }[]; body: Uint8Array };

export const azleProbeIdl: IDLType.InterfaceFactory = ({ IDL }) => {
  const CallOutcome = IDL.Variant({ Ok: IDL.Text, Err: IDL.Record({ code: IDL.Nat32, message: IDL.Text }) });
  const HttpResult = IDL.Record({
    status: IDL.Nat,
    headers: IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text })),
    body: IDL.Vec(IDL.Nat8),
  });
  return IDL.Service({
    get: IDL.Func([], [IDL.Nat], ['query']),
    inc: IDL.Func([], [IDL.Nat], []),
    queryMutate: IDL.Func([], [IDL.Nat], ['query']),
    trapAfterWrite: IDL.Func([], [IDL.Nat], []),
    setStable: IDL.Func([IDL.Text, IDL.Text], [IDL.Opt(IDL.Text)], []),
    getStable: IDL.Func([IDL.Text], [IDL.Opt(IDL.Text)], ['query']),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
    self: IDL.Func([], [IDL.Principal], ['query']),
    now: IDL.Func([], [IDL.Nat64], ['query']),
    echo: IDL.Func([IDL.Text], [IDL.Text], ['query']),
    spin: IDL.Func([IDL.Nat32], [IDL.Nat64], ['query']),
    forever: IDL.Func([], [IDL.Nat], []),
    callText: IDL.Func([IDL.Principal, IDL.Text, IDL.Text], [CallOutcome], []),
    sendCycles: IDL.Func(
      [IDL.Principal, IDL.Text, IDL.Nat],
      [IDL.Record({ result: IDL.Nat, balanceBefore: IDL.Nat, balanceAfter: IDL.Nat })],
      [],
    ),
    acceptHalf: IDL.Func([], [IDL.Nat], []),
    rawRand: IDL.Func([], [IDL.Vec(IDL.Nat8)], []),
    startTimer: IDL.Func([IDL.Nat32], [IDL.Nat64], []),
    timerCount: IDL.Func([], [IDL.Nat], ['query']),
    setCertified: IDL.Func([IDL.Vec(IDL.Nat8)], [IDL.Null], []),
    certificate: IDL.Func([], [IDL.Opt(IDL.Vec(IDL.Nat8))], ['query']),
    balance: IDL.Func([], [IDL.Nat], ['query']),
    controls: IDL.Func([IDL.Principal], [IDL.Bool], ['query']),
    rawCall: IDL.Func(
      [IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat],
      [IDL.Variant({ Ok: IDL.Vec(IDL.Nat8), Err: IDL.Record({ code: IDL.Nat32, message: IDL.Text }) })],
      [],
    ),
    log: IDL.Func([IDL.Text], [IDL.Null], []),
    callThenTrap: IDL.Func([IDL.Principal], [IDL.Nat], []),
    cleanupCount: IDL.Func([], [IDL.Nat], ['query']),
    httpGet: IDL.Func(
      [IDL.Text, IDL.Opt(IDL.Nat64)],
      [IDL.Variant({ Ok: HttpResult, Err: IDL.Record({ code: IDL.Nat32, message: IDL.Text }) })],
      [],
    ),
  });
};

export const azleProbeInit = ({ IDL }: { IDL: typeof IDLType }) => [IDL.Opt(IDL.Nat)];

export interface MotokoProbe {
  inc(): Promise<bigint>;
  get(): Promise<bigint>;
  queryMutate(): Promise<bigint>;
  trapAfterWrite(): Promise<bigint>;
  greet(name: string): Promise<string>;
  greetUpdate(name: string): Promise<string>;
  refuse(name: string): Promise<string>;
  acceptHalf(): Promise<bigint>;
  balance(): Promise<bigint>;
  whoami(): Promise<Principal>;
  forever(): Promise<bigint>;
  spin(k: bigint): Promise<bigint>;
  relay(target: Principal, name: string): Promise<string>;
  now(): Promise<bigint>;
  hop(): Promise<void>;
  chain(k: bigint): Promise<bigint>;
  hopCount(): Promise<bigint>;
  startTimerChain(delaySeconds: bigint): Promise<bigint>;
  armUpgradeTrap(): Promise<void>;
  deadlineSeen(): Promise<bigint>;
  boundedSelf(): Promise<bigint>;
  boundedHttpGet(target: Principal, url: string): Promise<string>;
  lastBoundedOutcome(): Promise<string>;
}

export const motokoProbeIdl: IDLType.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    inc: IDL.Func([], [IDL.Nat], []),
    get: IDL.Func([], [IDL.Nat], ['query']),
    queryMutate: IDL.Func([], [IDL.Nat], ['query']),
    trapAfterWrite: IDL.Func([], [IDL.Nat], []),
    greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
    greetUpdate: IDL.Func([IDL.Text], [IDL.Text], []),
    refuse: IDL.Func([IDL.Text], [IDL.Text], []),
    acceptHalf: IDL.Func([], [IDL.Nat], []),
    balance: IDL.Func([], [IDL.Nat], ['query']),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
    forever: IDL.Func([], [IDL.Nat], []),
    spin: IDL.Func([IDL.Nat], [IDL.Nat64], ['query']),
    relay: IDL.Func([IDL.Service({ greet: IDL.Func([IDL.Text], [IDL.Text], ['query']) }), IDL.Text], [IDL.Text], ['composite_query']),
    now: IDL.Func([], [IDL.Nat64], ['query']),
    hop: IDL.Func([], [], []),
    chain: IDL.Func([IDL.Nat], [IDL.Nat], []),
    hopCount: IDL.Func([], [IDL.Nat], ['query']),
    startTimerChain: IDL.Func([IDL.Nat64], [IDL.Nat], []),
    armUpgradeTrap: IDL.Func([], [], []),
    deadlineSeen: IDL.Func([], [IDL.Nat64], []),
    boundedSelf: IDL.Func([], [IDL.Nat64], []),
    boundedHttpGet: IDL.Func([IDL.Service({ httpGet: IDL.Func([IDL.Text, IDL.Opt(IDL.Nat64)], [], []) }), IDL.Text], [IDL.Text], []),
    lastBoundedOutcome: IDL.Func([], [IDL.Text], ['query']),
  });
