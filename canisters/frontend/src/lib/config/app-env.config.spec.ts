import { expect, test } from 'vitest';
import { AppEnvError, parseAppEnv } from './app-env.config.ts';

const LOCAL = { network: 'local', host: 'http://127.0.0.1:4943', walletCanisterId: 'lxzze-o7777-77777-aaaaa-cai', rootKey: 'abcd' };

test('parseAppEnv keeps a valid local and mainnet config', () => {
  expect(parseAppEnv(LOCAL)).toEqual(LOCAL);
  const ic = {
    network: 'ic',
    host: 'https://icp-api.io',
    walletCanisterId: 'rrkah-fqaaa-aaaaa-aaaaq-cai',
    identityProvider: 'https://id.ai/authorize',
  };
  expect(parseAppEnv(ic)).toEqual(ic);
});

test('parseAppEnv refuses a local config without its root key, a host with a path, a bad canister id', () => {
  expect(() => parseAppEnv({ ...LOCAL, rootKey: undefined })).toThrow(/needs its rootKey/);
  expect(() => parseAppEnv({ ...LOCAL, host: 'http://127.0.0.1:4943/api' })).toThrow(AppEnvError);
  expect(() => parseAppEnv({ ...LOCAL, walletCanisterId: 'not a principal' })).toThrow(/walletCanisterId/);
  expect(() => parseAppEnv({ ...LOCAL, identityProvider: 'http://id.example' })).toThrow(/https/);
  expect(() => parseAppEnv(null)).toThrow(/not a JSON object/);
});
