/**
 * `wallet addresses`, `balance`, `send` and `history`: the wallet canister's user endpoints over
 * the IC HTTP interface, as the selected identity.
 */
import { createInterface } from 'node:readline/promises';
import { formatUnits, parseUnits } from '../../src/lib/amount.ts';
import { appendOlder, olderPageRequest } from '../../src/lib/transaction-pages.ts';
import type { WalletConfig } from '../../src/lib/wallet-candid.ts';
import { type CommandResult, type Context, openWallet, stringOption, type WalletClient } from '../context.ts';
import { CliError } from '../exit-codes.ts';

const BTC_DECIMALS = 8;
const ETH_DECIMALS = 18;
const SOL_DECIMALS = 9;

function btcAddressType(ctx: Context): { p2wpkh: null } | { p2tr: null } {
  const from = stringOption(ctx, 'from') ?? 'p2wpkh';
  if (from === 'p2wpkh') return { p2wpkh: null };
  if (from === 'p2tr') return { p2tr: null };
  throw new CliError('usage', `--from must be p2wpkh or p2tr, got "${from}"`);
}

function evmChainId(ctx: Context, config: WalletConfig): bigint {
  const text = stringOption(ctx, 'chain-id');
  if (text !== undefined) {
    if (!/^[1-9][0-9]{0,18}$/.test(text)) throw new CliError('usage', `--chain-id must be a chain id, got "${text}"`);
    return BigInt(text);
  }
  const first = config.evm_chains[0];
  if (!first) throw new CliError('canister', 'the wallet has no EVM chain configured');
  return first.chain_id;
}

function bitcoinNetwork(config: WalletConfig): string {
  return Object.keys(config.bitcoin_network)[0];
}

function solanaCluster(config: WalletConfig): string {
  return Object.keys(config.solana.cluster)[0];
}

/** An explorer page for a transaction, where the network has a public one (none for the devnet's chains). */
export function explorerLink(chain: 'btc' | 'eth' | 'sol', network: string, txid: string): string | null {
  if (chain === 'btc') {
    if (network === 'mainnet') return `https://mempool.space/tx/${txid}`;
    if (network === 'testnet') return `https://mempool.space/testnet4/tx/${txid}`;
    return null;
  }
  if (chain === 'eth') {
    const explorers: Record<string, string> = {
      '1': 'https://etherscan.io',
      '11155111': 'https://sepolia.etherscan.io',
      '8453': 'https://basescan.org',
      '42161': 'https://arbiscan.io',
      '10': 'https://optimistic.etherscan.io',
    };
    return explorers[network] ? `${explorers[network]}/tx/${txid}` : null;
  }
  if (network === 'mainnet') return `https://explorer.solana.com/tx/${txid}`;
  if (network === 'devnet' || network === 'testnet') return `https://explorer.solana.com/tx/${txid}?cluster=${network}`;
  return null;
}

function amountOf(text: string | undefined, decimals: number, what: string): bigint {
  if (text === undefined) throw new CliError('usage', `${what}: missing amount`);
  try {
    return parseUnits({ value: text, decimals });
  } catch (error) {
    throw new CliError('usage', `${what}: "${text}" is not an amount with at most ${decimals} decimals`, { cause: error });
  }
}

export async function addresses(ctx: Context): Promise<CommandResult> {
  const wallet = await openWallet(ctx);
  const answer = await wallet.ok('addresses', (a) => a.addresses());
  const json = { canister: wallet.canisterId.toText(), principal: wallet.principal.toText(), ...answer };
  return {
    json,
    text: [
      `Your addresses in wallet ${json.canister}:`,
      `  btc_p2wpkh  ${answer.btc_p2wpkh}`,
      `  btc_p2tr    ${answer.btc_p2tr}`,
      `  eth         ${answer.eth}`,
      `  sol         ${answer.sol}`,
    ].join('\n'),
  };
}

type BalanceLine = { asset: string; address: string; balance: string; units: string; decimals: number };

async function balanceOf(ctx: Context, wallet: WalletClient, config: WalletConfig, asset: string, token?: string): Promise<BalanceLine> {
  if (asset === 'btc') {
    const addressType = btcAddressType(ctx);
    const sats = await wallet.ok('btc_balance', (a) => a.btc_balance({ address_type: addressType, min_confirmations: [] }));
    const addrs = await wallet.ok('addresses', (a) => a.addresses());
    const address = 'p2tr' in addressType ? addrs.btc_p2tr : addrs.btc_p2wpkh;
    return { asset: 'BTC', address, balance: formatUnits({ value: sats, decimals: BTC_DECIMALS }), units: sats.toString(), decimals: 8 };
  }
  if (asset === 'eth' || asset === 'erc20') {
    if (asset === 'erc20' && token === undefined) throw new CliError('usage', 'usage: wallet balance erc20 <token contract>');
    const chainId = evmChainId(ctx, config);
    const r = await wallet.ok('eth_balance', (a) => a.eth_balance({ chain_id: chainId, token: token === undefined ? [] : [token] }));
    return {
      asset: token === undefined ? 'ETH' : `ERC-20 ${token}`,
      address: r.address,
      balance: formatUnits({ value: r.balance, decimals: r.decimals }),
      units: r.balance.toString(),
      decimals: r.decimals,
    };
  }
  if (asset === 'sol' || asset === 'spl') {
    if (asset === 'spl' && token === undefined) throw new CliError('usage', 'usage: wallet balance spl <mint>');
    const r = await wallet.ok('sol_balance', (a) => a.sol_balance({ mint: token === undefined ? [] : [token] }));
    return {
      asset: token === undefined ? 'SOL' : `SPL ${token}`,
      address: r.address,
      balance: formatUnits({ value: r.balance, decimals: r.decimals }),
      units: r.balance.toString(),
      decimals: r.decimals,
    };
  }
  throw new CliError('usage', `balance of what? btc, eth, sol, erc20 <token> or spl <mint>, not "${asset}"`);
}

export async function balance(ctx: Context): Promise<CommandResult> {
  const [asset, token, ...rest] = ctx.args;
  if (rest.length > 0) throw new CliError('usage', 'usage: wallet balance [btc|eth|sol|erc20 <token>|spl <mint>]');
  if ((asset === 'btc' || asset === 'eth' || asset === 'sol') && token !== undefined)
    throw new CliError('usage', `wallet balance ${asset} takes no further argument`);
  const wallet = await openWallet(ctx);
  const config = await wallet.config();
  const lines: BalanceLine[] = [];
  for (const a of asset === undefined ? ['btc', 'eth', 'sol'] : [asset]) lines.push(await balanceOf(ctx, wallet, config, a, token));
  return {
    json: { canister: wallet.canisterId.toText(), balances: lines },
    text: lines.map((l) => `${l.asset.padEnd(4)} ${l.balance}  (${l.address})`).join('\n'),
  };
}

/** Asks on the terminal; anything but y/yes declines. Without a terminal, --yes is required. */
async function confirm(ctx: Context, fields: [string, string][]): Promise<void> {
  if (ctx.options.yes === true) return;
  if (!process.stdin.isTTY) {
    throw new CliError('usage', 'refusing to send without confirmation: not a terminal, so pass --yes to send');
  }
  const width = Math.max(...fields.map(([k]) => k.length));
  process.stderr.write(`The wallet will sign and broadcast:\n${fields.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('Sign and send? [y/N] ');
  rl.close();
  if (!/^(y|yes)$/i.test(answer.trim())) throw new CliError('usage', 'not sent: declined');
}

/** Shows elapsed time on stderr while `work` runs (a line per 5 s off a terminal, nothing with --json). */
async function withProgress<T>(ctx: Context, what: string, work: Promise<T>): Promise<T> {
  if (ctx.json) return work;
  const start = Date.now();
  const tty = process.stderr.isTTY;
  process.stderr.write(tty ? `${what}…` : `${what}…\n`);
  const timer = setInterval(() => {
    const s = Math.round((Date.now() - start) / 1000);
    process.stderr.write(tty ? `\r${what}… ${s}s` : s % 5 === 0 ? `${what}… ${s}s\n` : '');
  }, 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    if (tty) process.stderr.write(`\r${what}… done in ${((Date.now() - start) / 1000).toFixed(1)}s\n`);
  }
}

export async function send(ctx: Context): Promise<CommandResult> {
  const [chain, ...rest] = ctx.args;
  const usage = 'usage: wallet send btc|eth|sol <to> <amount>, or wallet send erc20|spl <token> <to> <amount>';
  const withToken = chain === 'erc20' || chain === 'spl';
  if (!['btc', 'eth', 'sol', 'erc20', 'spl'].includes(chain)) throw new CliError('usage', usage);
  if (rest.length !== (withToken ? 3 : 2)) throw new CliError('usage', usage);
  const [token, to, amountText]: [string | undefined, string, string] = withToken
    ? [rest[0], rest[1], rest[2]]
    : [undefined, rest[0], rest[1]];
  const wallet = await openWallet(ctx);
  const config = await wallet.config();
  const addrs = await wallet.ok('addresses', (a) => a.addresses());

  if (chain === 'btc') {
    const addressType = btcAddressType(ctx);
    const amount = amountOf(amountText, BTC_DECIMALS, 'wallet send btc');
    const feeText = stringOption(ctx, 'fee-rate');
    if (feeText !== undefined && !/^[1-9][0-9]{0,9}$/.test(feeText))
      throw new CliError('usage', `--fee-rate must be whole sat/vB, got "${feeText}"`);
    const network = bitcoinNetwork(config);
    await confirm(ctx, [
      ['chain', `Bitcoin ${network}`],
      ['from', 'p2tr' in addressType ? addrs.btc_p2tr : addrs.btc_p2wpkh],
      ['to', to],
      ['amount', `${formatUnits({ value: amount, decimals: BTC_DECIMALS })} BTC (${amount} sats)`],
      ['fee rate', feeText === undefined ? "the network's median (the wallet reads it)" : `${feeText} sat/vB`],
      ['key', `${config.ecdsa_key_name} (${'p2tr' in addressType ? 'BIP340 Schnorr, Taproot' : 'ECDSA, P2WPKH'})`],
    ]);
    const r = await withProgress(
      ctx,
      'signing and broadcasting',
      wallet.ok('btc_send', (a) =>
        a.btc_send({
          to,
          amount_sats: amount,
          address_type: addressType,
          fee_rate_msat_per_vb: feeText === undefined ? [] : [BigInt(feeText) * 1000n],
        }),
      ),
    );
    const link = explorerLink('btc', network, r.txid);
    return {
      json: { chain: 'btc', network, to, amount: amount.toString(), txid: r.txid, fee: r.fee_sats.toString(), explorer: link },
      text: [`Sent. txid ${r.txid} (fee ${r.fee_sats} sats)`, ...(link ? [link] : [])].join('\n'),
    };
  }

  if (chain === 'eth' || chain === 'erc20') {
    const chainId = evmChainId(ctx, config);
    let decimals = ETH_DECIMALS;
    let symbol = 'ETH';
    if (token !== undefined) {
      const listed = (await wallet.call('tokens', (a) => a.tokens())).evm.find(
        (t) => t.chain_id === chainId && t.address.toLowerCase() === token.toLowerCase(),
      );
      if (!listed) throw new CliError('canister', `the wallet lists no ERC-20 token ${token} on chain ${chainId}`);
      decimals = listed.decimals;
      symbol = listed.symbol;
    }
    const amount = amountOf(amountText, decimals, `wallet send ${chain}`);
    const chainName = config.evm_chains.find((c) => c.chain_id === chainId)?.name ?? `chain ${chainId}`;
    await confirm(ctx, [
      ['chain', `${chainName} (chain id ${chainId})`],
      ['from', addrs.eth],
      ['to', to],
      ...(token === undefined ? [] : [['token', `${symbol} ${token}`] as [string, string]]),
      ['amount', `${formatUnits({ value: amount, decimals })} ${symbol} (${amount} base units)`],
      ['nonce, gas, fees', 'read from the providers by the wallet (a majority must agree), shown after signing'],
      ['key', `${config.ecdsa_key_name} (ECDSA secp256k1)`],
    ]);
    const r = await withProgress(
      ctx,
      'signing and broadcasting',
      wallet.ok('eth_send', (a) => a.eth_send({ chain_id: chainId, to, amount, token: token === undefined ? [] : [token] })),
    );
    const link = explorerLink('eth', chainId.toString(), r.tx_hash);
    return {
      json: {
        chain: chain,
        chainId: chainId.toString(),
        to,
        amount: amount.toString(),
        txid: r.tx_hash,
        nonce: r.nonce.toString(),
        gasLimit: r.gas_limit.toString(),
        maxFeePerGas: r.max_fee_per_gas.toString(),
        maxPriorityFeePerGas: r.max_priority_fee_per_gas.toString(),
        explorer: link,
      },
      text: [
        `Sent. tx ${r.tx_hash} (nonce ${r.nonce}, gas limit ${r.gas_limit}, max fee ${r.max_fee_per_gas} wei/gas, priority ${r.max_priority_fee_per_gas} wei/gas)`,
        ...(link ? [link] : []),
      ].join('\n'),
    };
  }

  // sol / spl
  let decimals = SOL_DECIMALS;
  let symbol = 'SOL';
  if (token !== undefined) {
    const listed = (await wallet.call('tokens', (a) => a.tokens())).spl.find((t) => t.mint === token);
    if (!listed) throw new CliError('canister', `the wallet lists no SPL token with mint ${token}`);
    decimals = listed.decimals;
    symbol = listed.symbol;
  }
  const amount = amountOf(amountText, decimals, `wallet send ${chain}`);
  const cluster = solanaCluster(config);
  await confirm(ctx, [
    ['chain', `Solana ${cluster}`],
    ['from', addrs.sol],
    ['to', to],
    ...(token === undefined ? [] : [['mint', `${symbol} ${token}`] as [string, string]]),
    ['amount', `${formatUnits({ value: amount, decimals })} ${symbol} (${amount} base units)`],
    ['blockhash', 'the latest, read by the wallet'],
    ['key', `${config.schnorr_key_name} (Ed25519)`],
  ]);
  const r = await withProgress(
    ctx,
    'signing and broadcasting',
    wallet.ok('sol_send', (a) => a.sol_send({ to, amount, mint: token === undefined ? [] : [token], recent_blockhash: [] })),
  );
  const link = explorerLink('sol', cluster, r.signature);
  return {
    json: {
      chain,
      cluster,
      to,
      amount: amount.toString(),
      txid: r.signature,
      createdRecipientAccount: r.created_recipient_account,
      explorer: link,
    },
    text: [`Sent. signature ${r.signature}`, ...(link ? [link] : [])].join('\n'),
  };
}

export async function history(ctx: Context): Promise<CommandResult> {
  const wallet = await openWallet(ctx);
  const limitText = stringOption(ctx, 'limit') ?? '50';
  if (!/^[1-9][0-9]{0,2}$/.test(limitText)) throw new CliError('usage', `--limit must be 1 to 999, got "${limitText}"`);
  const limit = Number(limitText);
  // The wallet answers a page at a time, newest first: ask page after page until `limit` are shown.
  let page = await wallet.ok('transactions', (a) => a.transactions({ start: 0n, limit }));
  let shown = page.transactions.slice(0, limit);
  for (;;) {
    const request = shown.length < limit ? olderPageRequest(shown.length, page.total, limit - shown.length) : null;
    if (request === null) break;
    page = await wallet.ok('transactions', (a) => a.transactions(request));
    const more = appendOlder(shown, page.transactions).slice(0, limit);
    if (more.length === shown.length) break;
    shown = more;
  }
  const txs = shown.map((t) => ({
    id: t.id.toString(),
    chain: Object.keys(t.chain)[0],
    network: t.network,
    asset: t.asset,
    to: t.to,
    amount: t.amount.toString(),
    fee: t.fee.toString(),
    txid: t.txid,
    status: 'failed' in t.status ? `failed: ${t.status.failed}` : Object.keys(t.status)[0],
    createdAt: new Date(Number(t.created_at_ns / 1_000_000n)).toISOString(),
  }));
  const lines = [`${page.total} transaction(s)${page.total > BigInt(txs.length) ? `, showing ${txs.length}` : ''}:`];
  for (const t of txs) lines.push(`  #${t.id} ${t.createdAt} ${t.chain} ${t.asset} ${t.amount} → ${t.to}  ${t.status}  ${t.txid}`);
  return { json: { total: page.total.toString(), transactions: txs }, text: lines.join('\n') };
}
