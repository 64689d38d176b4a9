import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { DAY_MS } from '../../../shared/time';
import type { Clock } from '../common/clock';
import { escapeHtml } from '../common/html';
import type { Logger } from '../common/logger';
import { ANALYTICS_TOKEN_LIFETIME_MS, dailyTokenExpiry, readJwtClaims } from '../upstox/token-expiry';
import type { FaultState } from './faults';
import { bearerToken, errorBody } from './rest';

export const DIALOG_PATH = '/v2/login/authorization/dialog';
export const DECISION_PATH = '/v2/login/authorization/decision';
export const TOKEN_PATH = '/v2/login/authorization/token';
export const LOGOUT_PATH = '/v2/logout';
/** The `iss` of every token this simulator signs; tokens without it are judged by `acceptToken`. */
export const SIMULATOR_ISSUER = 'tickdesk-simulator';

/** The one app allowed to log in, as registered in Upstox's developer console. */
export interface LoginApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** Test handles on the simulator's login. */
export interface SimulatorLogin {
  /** A daily access token as the token endpoint would issue it at `issuedAtMs` (default now): tests start with an expired one. */
  issueAccessToken(issuedAtMs?: number): string;
  /** A one-year Analytics token (kind "analytics"). */
  issueAnalyticsToken(issuedAtMs?: number): string;
  /** Whether a simulator token was revoked by logout. */
  isRevoked(token: string): boolean;
  /** Requests per route; `exchangesRefused` counts the token requests answered with an error, `logouts` the 200s. */
  stats(): { dialogs: number; decisions: number; exchanges: number; exchangesRefused: number; logouts: number };
}

/** The REST layer's writer, which holds every answer for the configured latency. */
export type LoginReply = (
  status: number,
  body: unknown,
  contentType?: string,
  headers?: Record<string, string>,
) => void;

export interface TokenRefusal {
  status: number;
  code: string;
  message: string;
}

/** The login as REST sees it: the OAuth routes and the check of every bearer token. */
export interface LoginRoutes {
  /** Answers a login route (true), or leaves the request to the other routes (false). */
  answer(req: IncomingMessage, path: string, reply: LoginReply): boolean;
  /** Whether a bearer token may call the API at all. */
  accepts(token: string): boolean;
  /** Why an accepted token may not call this route (an Analytics or extended token where Upstox wants a daily one). */
  refusal(token: string, method: string, path: string): TokenRefusal | null;
  handles: SimulatorLogin;
}

export interface LoginOptions {
  clock: Clock;
  logger: Logger;
  faults: FaultState;
  /** Only this app may log in; any client id, secret and http(s) redirect URI may when absent. */
  app?: LoginApp;
  /** The rule for tokens this simulator did not sign. */
  acceptOther(token: string): boolean;
}

const CODE_LIFETIME_MS = 10 * 60_000;
/** Codes nobody exchanged are forgotten past this many, so an abandoned login cannot grow the map. */
const MAX_PENDING_CODES = 1000;
const MAX_FORM_BYTES = 16 * 1024;
const EXTENDED_TOKEN_LIFETIME_MS = 365 * DAY_MS;

const INVALID_TOKEN: TokenRefusal = { status: 401, code: 'UDAPI100050', message: 'Invalid token used to access API' };
const NOT_PERMITTED: TokenRefusal = {
  status: 403,
  code: 'UDAPI100067',
  message: 'The API you are trying to access is not permitted with this token',
};
const WRONG_APP = errorBody('UDAPI100068', "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.");
const NO_SEGMENTS = 'No segments for these users are active. Please activate at least one segment to log in.';
/** The dialog's policy; `form-action` names the redirect's origin too, as Chromium applies it to the 302 after the form. */
const DIALOG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

const PROFILE = {
  email: 'demo.trader@example.com',
  exchanges: ['NSE', 'NFO', 'BSE', 'BFO', 'MCX'],
  products: ['D', 'I', 'CO', 'MTF'],
  broker: 'UPSTOX',
  user_id: 'SIM001',
  user_name: 'Demo Trader',
  order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
  user_type: 'individual',
  poa: false,
  is_active: true,
};

type TokenKind = 'daily' | 'extended' | 'analytics';
const SimulatorClaims = z.object({
  sub: z.string(),
  iss: z.literal(SIMULATOR_ISSUER),
  kind: z.enum(['daily', 'extended', 'analytics']),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});
type SimulatorClaims = z.infer<typeof SimulatorClaims>;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  issuedAt: number;
}

const invalidInput = (property: string | null, message = 'Invalid input') => {
  const body = errorBody('UDAPI100036', message);
  return { ...body, errors: body.errors.map((e) => ({ ...e, property_path: property })) };
};

const sameText = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const isHttpUrl = (text: string) => {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
};

/** The form fields, or null when the body is larger than any login form. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const isForm = (req: IncomingMessage) =>
  (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';

export function createSimulatorLogin(options: LoginOptions): LoginRoutes {
  const { clock, logger, faults, app } = options;
  const signingKey = randomBytes(32);
  const pending = new Map<string, PendingCode>();
  /** Revoked token ids with their expiry (ms): past it a token is refused anyway, so the entry can go. */
  const revoked = new Map<string, number>();
  const counts = { dialogs: 0, decisions: 0, exchanges: 0, exchangesRefused: 0, logouts: 0 };

  const signature = (signed: string) => createHmac('sha256', signingKey).update(signed).digest('base64url');
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function issue(kind: TokenKind, issuedAtMs: number): string {
    const iat = Math.floor(issuedAtMs / 1000);
    const expiresMs =
      kind === 'daily'
        ? dailyTokenExpiry(issuedAtMs)
        : iat * 1000 + (kind === 'analytics' ? ANALYTICS_TOKEN_LIFETIME_MS : EXTENDED_TOKEN_LIFETIME_MS);
    const claims: SimulatorClaims = {
      sub: PROFILE.user_id,
      iss: SIMULATOR_ISSUER,
      kind,
      jti: randomBytes(12).toString('base64url'),
      iat,
      exp: Math.floor(expiresMs / 1000),
    };
    const signed = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${signed}.${signature(signed)}`;
  }

  /** The claims of a token this simulator signed, whatever its state; null for any other token. */
  function signedClaims(token: string): SimulatorClaims | null {
    const [header, payload, mac] = token.split('.');
    if (header === undefined || payload === undefined || mac === undefined) return null;
    const expected = Buffer.from(signature(`${header}.${payload}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const parsed = SimulatorClaims.safeParse(readJwtClaims(token));
    return parsed.success ? parsed.data : null;
  }

  /** `undefined` for a token another issuer's; null for a simulator token that cannot be used. */
  function liveClaims(token: string): SimulatorClaims | null | undefined {
    if (readJwtClaims(token)?.iss !== SIMULATOR_ISSUER) return undefined;
    const claims = signedClaims(token);
    if (!claims || revoked.has(claims.jti) || claims.exp * 1000 <= clock.now()) return null;
    return claims;
  }

  /** The app of a dialog or decision request, or null when it is malformed or not the registered one. */
  function appOf(form: URLSearchParams): { clientId: string; redirectUri: string } | null {
    const clientId = form.get('client_id');
    const redirectUri = form.get('redirect_uri');
    if (clientId === null || !/^[\x21-\x7e]{1,200}$/.test(clientId)) return null;
    if (redirectUri === null || !isHttpUrl(redirectUri)) return null;
    if (app && (clientId !== app.clientId || redirectUri !== app.redirectUri)) return null;
    return { clientId, redirectUri };
  }

  function rememberCode(clientId: string, redirectUri: string): string {
    const now = clock.now();
    for (const [code, entry] of pending) {
      if (now - entry.issuedAt < CODE_LIFETIME_MS && pending.size < MAX_PENDING_CODES) break;
      pending.delete(code);
    }
    const code = randomBytes(12).toString('base64url');
    pending.set(code, { clientId, redirectUri, issuedAt: now });
    return code;
  }

  function dialog(query: URLSearchParams, reply: LoginReply): void {
    counts.dialogs++;
    const asking = query.get('response_type') === 'code' ? appOf(query) : null;
    if (!asking) return reply(400, WRONG_APP);
    const state = query.get('state');
    const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    const page = dialogPage(
      escapeHtml(asking.clientId),
      escapeHtml(asking.redirectUri),
      [
        hidden('client_id', asking.clientId),
        hidden('redirect_uri', asking.redirectUri),
        ...(state === null ? [] : [hidden('state', state)]),
      ].join('\n      '),
    );
    reply(200, page, 'text/html; charset=utf-8', {
      'content-security-policy': `${DIALOG_POLICY} ${new URL(asking.redirectUri).origin}`,
      'cache-control': 'no-store',
    });
  }

  async function decision(req: IncomingMessage, reply: LoginReply): Promise<void> {
    counts.decisions++;
    const form = await readForm(req);
    if (form === null) return reply(413, invalidInput(null));
    const asking = appOf(form);
    if (!asking) return reply(400, WRONG_APP);
    const choice = form.get('decision');
    const back = new URL(asking.redirectUri);
    if (choice === 'authorize') {
      back.searchParams.set('code', rememberCode(asking.clientId, asking.redirectUri));
      logger.info('simulator login authorized', { clientId: asking.clientId });
    } else if (choice === 'cancel') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user cancelled the login');
      logger.info('simulator login cancelled', { clientId: asking.clientId });
    } else return reply(400, invalidInput('decision'));
    const state = form.get('state');
    if (state !== null) back.searchParams.set('state', state);
    reply(302, '', 'text/plain; charset=utf-8', { location: back.toString(), 'cache-control': 'no-store' });
  }

  async function exchange(req: IncomingMessage, reply: LoginReply): Promise<void> {
    counts.exchanges++;
    const refuse = (status: number, body: unknown, reason: string, clientId?: string | null) => {
      counts.exchangesRefused++;
      logger.info('simulator login exchange refused', { reason, ...(clientId ? { clientId } : {}) });
      reply(status, body);
    };
    const form = await readForm(req);
    if (form === null) return refuse(413, invalidInput(null), 'body too large');
    if (!isForm(req)) return refuse(400, invalidInput(null), 'not a form');
    const code = form.get('code');
    // Spent on first sight, as on Upstox: a failed exchange cannot be retried with the same code.
    const issued = code ? pending.get(code) : undefined;
    if (code) pending.delete(code);
    const fields = ['code', 'client_id', 'client_secret', 'redirect_uri', 'grant_type'] as const;
    const missing = fields.find((field) => !form.get(field));
    if (missing) return refuse(400, invalidInput(missing, `${missing} is required`), `no ${missing}`);
    const clientId = form.get('client_id')!;
    if (form.get('grant_type') !== 'authorization_code')
      return refuse(400, invalidInput('grant_type', 'grant_type must be authorization_code'), 'grant type', clientId);
    if (!issued || clock.now() - issued.issuedAt >= CODE_LIFETIME_MS)
      return refuse(400, errorBody('UDAPI100016', 'Invalid Auth code'), 'invalid code', clientId);
    if (clientId !== issued.clientId || form.get('redirect_uri') !== issued.redirectUri)
      return refuse(400, WRONG_APP, 'other app', clientId);
    if (app && !sameText(form.get('client_secret')!, app.clientSecret))
      return refuse(401, errorBody('UDAPI100016', 'Invalid Credentials'), 'wrong secret', clientId);
    if (faults.takeLoginFailure() === 'no-segments')
      return refuse(400, errorBody('UDAPI100016', NO_SEGMENTS), 'no active segments', clientId);
    const now = clock.now();
    logger.info('simulator login exchanged a code', { clientId });
    reply(200, { ...PROFILE, access_token: issue('daily', now), extended_token: issue('extended', now) });
  }

  function logout(req: IncomingMessage, reply: LoginReply): void {
    const token = bearerToken(req.headers.authorization);
    const claims = token === null ? null : liveClaims(token);
    const accepted = claims === undefined ? options.acceptOther(token!) : claims !== null;
    if (!accepted) return reply(INVALID_TOKEN.status, errorBody(INVALID_TOKEN.code, INVALID_TOKEN.message));
    if (claims) {
      const now = clock.now();
      for (const [id, expiresMs] of revoked) if (expiresMs <= now) revoked.delete(id);
      revoked.set(claims.jti, claims.exp * 1000);
    }
    counts.logouts++;
    logger.info('simulator logout', { revoked: revoked.size });
    reply(200, { status: 'success', data: true });
  }

  return {
    answer(req, path, reply) {
      const route = `${req.method} ${path}`;
      const failed = (error: unknown) => {
        logger.error('simulator login route failed', { error: error instanceof Error ? error.message : String(error) });
        reply(500, errorBody('UDAPI100500', 'Something went wrong... please contact Upstox support'));
      };
      if (route === `GET ${DIALOG_PATH}`) dialog(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams, reply);
      else if (route === `POST ${DECISION_PATH}`) decision(req, reply).catch(failed);
      else if (route === `POST ${TOKEN_PATH}`) exchange(req, reply).catch(failed);
      else if (route === `DELETE ${LOGOUT_PATH}`) logout(req, reply);
      else return false;
      return true;
    },
    accepts(token) {
      const claims = liveClaims(token);
      return claims === undefined ? options.acceptOther(token) : claims !== null;
    },
    refusal(token, method, path) {
      const claims = liveClaims(token);
      if (claims === null) return INVALID_TOKEN;
      if (claims === undefined || claims.kind === 'daily') return null;
      return method !== 'GET' || faults.refusesAnalyticsOn(path) ? NOT_PERMITTED : null;
    },
    handles: {
      issueAccessToken: (issuedAtMs = clock.now()) => issue('daily', issuedAtMs),
      issueAnalyticsToken: (issuedAtMs = clock.now()) => issue('analytics', issuedAtMs),
      isRevoked: (token) => {
        const claims = signedClaims(token);
        return claims !== null && revoked.has(claims.jti);
      },
      stats: () => ({ ...counts }),
    },
  };
}

/** The consent page: values arrive escaped. No script, so it works under a `default-src 'none'` policy. */
function dialogPage(clientId: string, redirectUri: string, hiddenInputs: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Upstox login (demo market)</title>
  <style>
    :root { color-scheme: dark; }
    body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #101317; color: #e7eaee;
      font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
    main { box-sizing: border-box; width: min(440px, calc(100vw - 32px)); padding: 24px; background: #181c22;
      border: 1px solid #2b313a; border-radius: 8px; }
    h1 { margin: 0 0 8px; font-size: 18px; }
    p { margin: 0 0 16px; color: #aab2bd; }
    dl { margin: 0 0 20px; display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; }
    dt { color: #aab2bd; }
    dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
    .actions { display: flex; gap: 8px; }
    button { font: inherit; padding: 8px 18px; border-radius: 6px; border: 1px solid #3b434e; background: #242a33;
      color: inherit; cursor: pointer; }
    button[value="authorize"] { background: #2f6fed; border-color: #2f6fed; color: #fff; }
    button:focus-visible { outline: 2px solid #8ab4ff; outline-offset: 2px; }
  </style>
</head>
<body>
  <main>
    <h1>Upstox login (demo market)</h1>
    <p>The demo market's stand-in for Upstox's login: no account, no password, nothing leaves this computer.</p>
    <dl>
      <dt>App (client id)</dt><dd>${clientId}</dd>
      <dt>Returns to</dt><dd>${redirectUri}</dd>
    </dl>
    <form method="post" action="${DECISION_PATH}">
      ${hiddenInputs}
      <div class="actions">
        <button name="decision" value="authorize">Authorize</button>
        <button name="decision" value="cancel">Cancel</button>
      </div>
    </form>
  </main>
</body>
</html>
`;
}
