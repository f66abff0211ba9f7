import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, refuseAdminRequest } from './guard.ts';

test('loopback hosts: 127.x, localhost and [::1] with or without port; <label>.localhost only where allowed', () => {
  for (const h of ['127.0.0.1:8080', '127.1.2.3', 'localhost:1', 'LOCALHOST', '[::1]:4943'])
    assert.ok(isLoopbackHost(h, { allowSubdomains: false }), h);
  for (const h of ['evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:80', '', '0.0.0.0:80', '[::2]:80']) {
    assert.ok(!isLoopbackHost(h, { allowSubdomains: true }), h);
  }
  assert.ok(isLoopbackHost('lxzze-o7777-77777-aaaaa-cai.localhost:4943', { allowSubdomains: true }));
  assert.ok(!isLoopbackHost('lxzze-o7777-77777-aaaaa-cai.localhost:4943', { allowSubdomains: false }));
  assert.equal(isLoopbackHost(undefined, { allowSubdomains: true }), false);
});

test('admin requests: no Origin or the devnet own origin pass; any other origin or a cross-site fetch is refused', () => {
  assert.equal(refuseAdminRequest({ host: '127.0.0.1:5000' }, 5000), null);
  assert.equal(refuseAdminRequest({ host: '127.0.0.1:5000', origin: 'http://localhost:5000' }, 5000), null);
  assert.match(
    refuseAdminRequest({ host: '127.0.0.1:5000', origin: 'http://localhost:5001' }, 5000)!,
    /^Origin "http:\/\/localhost:5001" may not/,
  );
  assert.match(refuseAdminRequest({ host: '127.0.0.1:5000', origin: 'null' }, 5000)!, /^Origin "null" may not/);
  assert.match(refuseAdminRequest({ host: '127.0.0.1:5000', 'sec-fetch-site': 'cross-site' }, 5000)!, /^Cross-site requests/);
  assert.match(refuseAdminRequest({ host: 'rebound.example:5000' }, 5000)!, /^Host "rebound.example:5000" is not a loopback address/);
});
