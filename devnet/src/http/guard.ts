/**
 * Safety of a local server that browsers can reach. A web page the user visits can send requests
 * to 127.0.0.1: a "simple" cross-origin POST needs no preflight (CSRF), and a host name the page
 * controls can be re-pointed at 127.0.0.1 to read the answers (DNS rebinding). So the PocketIC
 * REST routes and the devnet admin routes accept only:
 *   - a Host header naming a loopback address or `localhost` (a rebound name is refused), and
 *   - no Origin, or the devnet's own origin (Node clients such as @dfinity/pic send none; a browser
 *     always sends one on a cross-origin POST), and no `Sec-Fetch-Site: cross-site`.
 * The IC HTTP interface is open to every origin, as the IC's is (interface.ts, CORS_HEADERS).
 */

const LOOPBACK_NAME = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;

/** The host name of a Host header value, without the port. */
export function hostName(host: string): string {
  const trimmed = host.trim();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d+$/, '');
}

/** Is this Host header a loopback name (optionally `<label>.localhost`, which resolves to loopback)? */
export function isLoopbackHost(host: string | undefined, opts: { allowSubdomains: boolean }): boolean {
  if (!host) return false;
  const name = hostName(host).toLowerCase();
  if (LOOPBACK_NAME.test(name)) return true;
  return opts.allowSubdomains && /^[a-z0-9-]+\.localhost$/.test(name);
}

/** Why an admin request must be refused, or null when it may proceed. */
export function refuseAdminRequest(headers: { host?: string; origin?: string; 'sec-fetch-site'?: string }, port: number): string | null {
  if (!isLoopbackHost(headers.host, { allowSubdomains: false })) {
    return `Host ${JSON.stringify(headers.host ?? '')} is not a loopback address: the devnet's admin interface answers only requests addressed to 127.0.0.1 or localhost`;
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
    if (!own.includes(origin.toLowerCase())) {
      return `Origin ${JSON.stringify(origin)} may not use the devnet's admin interface (cross-origin requests from web pages are refused)`;
    }
  }
  if (headers['sec-fetch-site'] === 'cross-site') return 'Cross-site requests may not use the devnet admin interface';
  return null;
}
