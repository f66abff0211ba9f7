/**
 * The wallet's JSON-RPC layer without a canister (canisters/wallet/src/rpc/, the files with no
 * azle import): JSON parsing with exact integers, the outcall cost formula, the transform's
 * projections, and provider agreement. They sit here rather than beside the code because the
 * canister's tsconfig has no Node types.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, parseJson } from '../../../canisters/wallet/src/rpc/json.ts';
import { outcallCycles, requestBytes } from '../../../canisters/wallet/src/rpc/cost.ts';
import {
  decodeAgreed,
  jsonRpcBody,
  readTransformed,
  rejectionToProviderError,
  transformResponse,
  type HttpResponse,
} from '../../../canisters/wallet/src/rpc/transform.ts';
import {
  agree,
  broadcastOutcome,
  evmAlreadyKnown,
  providerName,
  solanaAlreadyProcessed,
  type ProviderOutcome,
} from '../../../canisters/wallet/src/rpc/consensus.ts';
import { evm, solana } from '../../../canisters/wallet/src/rpc/methods.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const respond = (body: string, status = 200n): HttpResponse => ({
  status,
  headers: [
    { name: 'date', value: 'Mon, 30 Nov 2026 23:59:59 GMT' },
    { name: 'content-type', value: 'application/json' },
  ],
  body: bytes(body),
});
const transform = (body: string, projection: string, status = 200n) =>
  transformResponse({ response: respond(body, status), context: bytes(projection) });

describe('parseJson', () => {
  test('keeps integers above 2^53 exact as bigint, fractions as numbers', () => {
    assert.deepEqual(parseJson('{"a":18446744073709551615,"b":[1,-2,0.5,1e3],"c":"x\\u00e9\\n","d":null,"e":true}'), {
      a: 18446744073709551615n,
      b: [1n, -2n, 0.5, 1000],
      c: 'xé\n',
      d: null,
      e: true,
    });
  });
  test('refuses trailing data, bad literals, leading zeros and unterminated strings with the offset', () => {
    assert.throws(() => parseJson('{"a":1} x'), /unexpected data after the value at offset 8/);
    assert.throws(() => parseJson('nul'), /unexpected character "n" at offset 0/);
    assert.throws(() => parseJson('[01]'), /expected "," or "]" at offset 2/);
    assert.throws(() => parseJson('"abc'), /unterminated string at offset 4/);
    assert.throws(() => parseJson('<html>'), /unexpected character "<" at offset 0/);
  });
  test('canonicalJson sorts keys and prints bigints bare', () => {
    assert.equal(
      canonicalJson({ b: 1n, a: ['x', null, { d: false, c: 2n ** 70n }] }),
      '{"a":["x",null,{"c":1180591620717411303424,"d":false}],"b":1}',
    );
  });
});

describe('outcall cost', () => {
  test('the IC formula on a 13-node and a 34-node subnet', () => {
    assert.equal(outcallCycles({ requestBytes: 100n, maxResponseBytes: 2304n }), 73_621_600n);
    assert.equal(outcallCycles({ nodes: 13n, requestBytes: 100n, maxResponseBytes: 2304n }), 73_621_600n);
    assert.equal(outcallCycles({ nodes: 34n, requestBytes: 100n, maxResponseBytes: 2304n }), 235_388_800n);
  });
  test('request bytes count URL, headers, body, transform name and context', () => {
    const body = jsonRpcBody({ method: 'eth_chainId', params: [] });
    assert.equal(text(body), '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}');
    assert.equal(
      requestBytes({
        url: 'http://127.0.0.1:8545',
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        body,
        transformMethod: 'rpc_transform',
        transformContext: bytes('quantity'),
      }),
      BigInt(21 + 12 + 16 + 59 + 13 + 8),
    );
  });
  test('per-method limits: body allowance plus 2048 bytes of headers', () => {
    assert.equal(evm.transactionCount({ address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' }).maxResponseBytes, 2304n);
    assert.equal(evm.transactionReceipt({ hash: '0x00' }).maxResponseBytes, 6144n);
    assert.equal(solana.sendTransaction({ wire: '' }).maxResponseBytes, 10240n);
    assert.deepEqual(
      evm.erc20Balance({ token: '0x5FbDB2315678afecb367f032d93F642f64180aa3', owner: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' }).params,
      [
        {
          to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
          data: '0x70a08231000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266',
        },
        'latest',
      ],
    );
  });
});

describe('transform', () => {
  test('keeps the projected result and drops headers, id and jsonrpc', () => {
    const out = transform('{"jsonrpc":"2.0","id":7,"result":"0x1A"}', 'quantity');
    assert.deepEqual({ ...out, body: text(out.body) }, { status: 200n, headers: [], body: '{"ok":"26"}' });
    assert.deepEqual(readTransformed(out), { Ok: '"26"' });
    assert.equal(decodeAgreed({ projection: 'quantity', text: '"26"' }), 26n);
  });
  test('two replicas with different ids, headers and Solana context slots give identical bytes', () => {
    const a = transform(
      '{"jsonrpc":"2.0","id":1,"result":{"context":{"slot":100,"apiVersion":"2.1"},"value":18446744073709551615}}',
      'solU64Value',
    );
    const b = transform('{"id":2,"jsonrpc":"2.0","result":{"value":18446744073709551615,"context":{"slot":101}}}', 'solU64Value');
    assert.equal(text(a.body), '{"ok":"18446744073709551615"}');
    assert.deepEqual(a, b);
    assert.deepEqual(readTransformed(a), { Ok: '"18446744073709551615"' });
    assert.equal(decodeAgreed({ projection: 'solU64Value', text: '"18446744073709551615"' }), 18446744073709551615n);
  });
  test('a JSON-RPC error keeps code and message, not data', () => {
    const out = transform(
      '{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"Transaction simulation failed: Blockhash not found","data":{"logs":["a"]}}}',
      'solSignature',
    );
    assert.equal(text(out.body), '{"error":{"code":-32002,"message":"Transaction simulation failed: Blockhash not found"}}');
    assert.deepEqual(readTransformed(out), {
      Err: { JsonRpcError: { code: -32002n, message: 'Transaction simulation failed: Blockhash not found' } },
    });
  });
  test('garbage, a wrong result shape and a non-200 status are typed', () => {
    assert.deepEqual(readTransformed(transform('<html>rate limited</html>', 'quantity')), {
      Err: { InvalidResponse: { reason: 'not JSON: unexpected character "<" at offset 0' } },
    });
    assert.deepEqual(readTransformed(transform('{"jsonrpc":"2.0","id":1,"result":12}', 'quantity')), {
      Err: { InvalidResponse: { reason: 'unexpected result: expected a hex quantity, got 12' } },
    });
    assert.deepEqual(readTransformed(transform('{"jsonrpc":"2.0","id":1}', 'quantity')), {
      Err: { InvalidResponse: { reason: 'a JSON-RPC response with neither result nor error' } },
    });
    assert.deepEqual(readTransformed(transform('{"jsonrpc":"2.0","id":1,"result":"0x"}', 'uint256Word')), {
      Err: { InvalidResponse: { reason: 'unexpected result: empty return data: no contract at this address' } },
    });
    const limited = transform('{"error":"too many requests"}', 'quantity', 429n);
    assert.deepEqual(limited, { status: 429n, headers: [], body: new Uint8Array(0) });
    assert.deepEqual(readTransformed(limited), { Err: { HttpStatus: { status: 429n } } });
  });
  test('projections: fee history, receipt, blockhash, token amount, account, signature status', () => {
    const ok = (body: string, projection: string) => text(transform(`{"jsonrpc":"2.0","id":1,"result":${body}}`, projection).body);
    assert.equal(
      ok('{"oldestBlock":"0x5","baseFeePerGas":["0x3b9aca00","0x342770c0"],"gasUsedRatio":[0]}', 'nextBaseFee'),
      '{"ok":"875000000"}',
    );
    assert.equal(
      ok('{"status":"0x1","blockNumber":"0x10","logs":[],"gasUsed":"0x5208"}', 'receipt'),
      '{"ok":{"block":"16","succeeded":true}}',
    );
    assert.equal(ok('null', 'receipt'), '{"ok":null}');
    assert.equal(
      ok(
        '{"context":{"slot":3},"value":{"blockhash":"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N","lastValidBlockHeight":153}}',
        'solBlockhash',
      ),
      '{"ok":{"blockhash":"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N","lastValidBlockHeight":"153"}}',
    );
    assert.equal(
      ok('{"context":{"slot":3},"value":{"amount":"1500000","decimals":6,"uiAmount":1.5,"uiAmountString":"1.5"}}', 'solTokenAmount'),
      '{"ok":{"amount":"1500000","decimals":"6"}}',
    );
    assert.equal(ok('{"context":{"slot":3},"value":null}', 'solAccountExists'), '{"ok":false}');
    assert.equal(
      ok(
        '{"context":{"slot":3},"value":[{"slot":4,"confirmations":null,"err":null,"status":{"Ok":null},"confirmationStatus":"finalized"}]}',
        'solSignatureStatus',
      ),
      '{"ok":{"state":"confirmed"}}',
    );
    assert.equal(
      ok(
        '{"context":{"slot":3},"value":[{"slot":4,"err":{"InstructionError":[0,{"Custom":1}]},"confirmationStatus":"finalized"}]}',
        'solSignatureStatus',
      ),
      '{"ok":{"error":"{\\"InstructionError\\":[0,{\\"Custom\\":1}]}","state":"failed"}}',
    );
    assert.deepEqual(decodeAgreed({ projection: 'receipt', text: '{"block":"16","succeeded":true}' }), {
      succeeded: true,
      blockNumber: 16n,
    });
    assert.deepEqual(decodeAgreed({ projection: 'solTokenAmount', text: '{"amount":"1500000","decimals":"6"}' }), {
      amount: 1500000n,
      decimals: 6,
    });
  });
  test('a response over max_response_bytes is ResponseTooLarge; other rejections are Unreachable', () => {
    assert.deepEqual(
      rejectionToProviderError({ rejectCode: 1, rejectMessage: 'Http body exceeds size limit of 2304 bytes.', maxResponseBytes: 2304n }),
      {
        ResponseTooLarge: { max_response_bytes: 2304n },
      },
    );
    assert.deepEqual(
      rejectionToProviderError({ rejectCode: 2, rejectMessage: 'Connecting to 127.0.0.1 failed', maxResponseBytes: 2304n }),
      {
        Unreachable: { reject_code: 2, reject_message: 'Connecting to 127.0.0.1 failed' },
      },
    );
  });
});

describe('provider agreement', () => {
  const ok = (url: string, value: string): ProviderOutcome => ({ url, result: { Ok: value } });
  const garbage = (url: string): ProviderOutcome => ({ url, result: { Err: { InvalidResponse: { reason: 'not JSON' } } } });
  test('a strict majority of the configured providers must return the identical result', () => {
    assert.deepEqual(agree({ method: 'm', outcomes: [ok('a', '"1"')] }), { Ok: '"1"' });
    assert.deepEqual(agree({ method: 'm', outcomes: [ok('a', '"1"'), ok('b', '"1"'), ok('c', '"2"')] }), { Ok: '"1"' });
    assert.deepEqual(agree({ method: 'm', outcomes: [ok('a', '"1"'), ok('b', '"1"'), garbage('c')] }), { Ok: '"1"' });
    assert.deepEqual(agree({ method: 'm', outcomes: [ok('a', '"1"'), ok('b', '"2"')] }), {
      Err: { ProvidersDisagree: { method: 'm', required: 2, responses: [ok('a', '"1"'), ok('b', '"2"')] } },
    });
    // Half is not a majority.
    assert.deepEqual(agree({ method: 'm', outcomes: [ok('a', '"1"'), garbage('b')] }), {
      Err: { ProvidersDisagree: { method: 'm', required: 2, responses: [ok('a', '"1"'), garbage('b')] } },
    });
    assert.deepEqual(agree({ method: 'm', outcomes: [garbage('a')] }), {
      Err: { ProvidersFailed: { method: 'm', failures: [{ url: 'a', error: { InvalidResponse: { reason: 'not JSON' } } }] } },
    });
  });
  test('a broadcast is out when one provider accepts or already knows it', () => {
    const known = { url: 'b', result: { Err: { JsonRpcError: { code: -32000n, message: 'already known' } } } };
    const rejected = { url: 'c', result: { Err: { JsonRpcError: { code: -32000n, message: 'nonce too low' } } } };
    const args = { method: 'eth_sendRawTransaction', expected: '0xab', alreadyKnown: evmAlreadyKnown };
    assert.deepEqual(broadcastOutcome({ ...args, outcomes: [garbage('a'), ok('b', '"0xab"')] }), { Ok: null });
    assert.deepEqual(broadcastOutcome({ ...args, outcomes: [garbage('a'), known] }), { Ok: null });
    assert.deepEqual(broadcastOutcome({ ...args, outcomes: [rejected, ok('d', '"0xcd"')] }), {
      Err: {
        ProvidersFailed: {
          method: 'eth_sendRawTransaction',
          failures: [
            { url: 'c', error: { JsonRpcError: { code: -32000n, message: 'nonce too low' } } },
            { url: 'd', error: { InvalidResponse: { reason: 'accepted the transaction as "0xcd", expected "0xab"' } } },
          ],
        },
      },
    });
    assert.equal(
      solanaAlreadyProcessed({ code: -32002n, message: 'Transaction simulation failed: This transaction has already been processed' }),
      true,
    );
  });
  test('errors name a provider by scheme, host and port only', () => {
    assert.equal(providerName('https://user:secret@eth.example.com:8443/v2/APIKEY?x=1'), 'https://eth.example.com:8443');
    assert.equal(providerName('http://127.0.0.1:8545'), 'http://127.0.0.1:8545');
    assert.equal(providerName('nonsense'), '(not a URL)');
  });
});
