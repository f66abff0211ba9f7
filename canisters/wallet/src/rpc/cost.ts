/**
 * What an HTTPS outcall costs, so the wrapper attaches exactly the fee (IC docs "HTTPS outcalls",
 * cost formula; /work/shared/reference/IC-FACTS.md):
 *
 *   (3,000,000 + 60,000·n)·n + 400·n·request_bytes + 800·n·max_response_bytes   cycles
 *
 * on an n-node subnet. Pure (no azle import).
 */

/**
 * Nodes of the subnet the wallet runs on: 13 for an application subnet. On a 34-node fiduciary
 * subnet (where `key_1` signing is cheapest to reach) this must be 34, or every outcall is
 * rejected for lack of cycles; the attached surplus would otherwise be refunded, so erring high
 * costs nothing but a larger temporary reservation.
 */
export const SUBNET_NODES = 13n;

/** The request's size as the IC counts it: URL, header names and values, body, transform name and context. */
export function requestBytes({
  url,
  headers,
  body,
  transformMethod,
  transformContext,
}: {
  url: string;
  headers: { name: string; value: string }[];
  body: Uint8Array;
  transformMethod: string;
  transformContext: Uint8Array;
}): bigint {
  const utf8 = (text: string) => new TextEncoder().encode(text).length;
  const headerBytes = headers.reduce((sum, h) => sum + utf8(h.name) + utf8(h.value), 0);
  return BigInt(utf8(url) + headerBytes + body.length + utf8(transformMethod) + transformContext.length);
}

/** The formula above, in cycles. */
export function outcallCycles({
  nodes = SUBNET_NODES,
  requestBytes,
  maxResponseBytes,
}: {
  nodes?: bigint;
  requestBytes: bigint;
  maxResponseBytes: bigint;
}): bigint {
  return (3_000_000n + 60_000n * nodes) * nodes + 400n * nodes * requestBytes + 800n * nodes * maxResponseBytes;
}
