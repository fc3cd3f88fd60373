import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Directory } from './accounts';
import { completeDeviceCode, FAILURE_MESSAGES, findPendingDeviceCode, grantConsent } from './grants';
import { deviceCodePage, loginPage, messagePage } from './html-pages';
import { cookie, readForm, sendHtml } from './http-helpers';

export interface LoginRoutesContext {
  provider: Provider;
  directory: Directory;
  tenantName: string;
  /** The issuer's path (`/<tenantId>/v2.0`): every page lives under it. */
  mountPath: string;
}

/**
 * The pages oidc-provider hands the browser to (its "interactions"): sign-in for the authorization
 * code flow. Consent is implied (the world's apps are pre-consented), so no consent page.
 */
export async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string, c: LoginRoutesContext): Promise<void> {
  // No interaction cookie, or one for another sign-in: oidc-provider cannot tie this page to a request.
  const details = await c.provider.interactionDetails(req, res).catch(() => undefined);
  if (details?.uid !== uid) {
    const text = 'This sign-in page has expired or was opened in another browser. Start signing in again from the app.';
    return sendHtml(res, 400, messagePage(c.tenantName, 'Sign-in expired', text));
  }
  const clientId = String(details.params.client_id);
  const sessionAccount = details.session?.accountId;
  if (details.prompt.name === 'consent' && sessionAccount) {
    const grantId = await grantConsent(c.provider, sessionAccount, clientId, details.params.scope);
    return c.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const client = await c.provider.Client.find(clientId);
  const page = (status: number, email: string, error?: string) =>
    sendHtml(res, status, loginPage({ tenant: c.tenantName, action: `${c.mountPath}/interaction/${uid}`, appName: client?.clientName ?? clientId, email, error }));
  if (req.method !== 'POST') return page(200, typeof details.params.login_hint === 'string' ? details.params.login_hint : '');

  const form = await readForm(req);
  const email = form.get('email') ?? '';
  const signIn = c.directory.signIn(email, form.get('password') ?? '');
  if (!signIn.ok) return page(401, email, FAILURE_MESSAGES[signIn.reason]);
  const accountId = signIn.user.objectId;
  const grantId = await grantConsent(c.provider, accountId, clientId, details.params.scope);
  await c.provider.interactionFinished(
    req,
    res,
    { [details.prompt.name]: {}, login: { accountId, amr: ['pwd'] }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const CSRF_COOKIE = 'localcloud_id_devicelogin';

/**
 * The device code verification page (Entra's microsoft.com/devicelogin): code, then sign-in, on our
 * own pages rather than oidc-provider's, which ask for an extra confirmation Entra does not.
 */
export async function handleDeviceLogin(req: IncomingMessage, res: ServerResponse, url: URL, c: LoginRoutesContext): Promise<void> {
  const action = `${c.mountPath}/devicelogin`;
  const known = cookie(req, CSRF_COOKIE);
  const csrf = known ?? randomBytes(24).toString('base64url');
  const headers = { 'Set-Cookie': `${CSRF_COOKIE}=${csrf}; Path=${action}; Secure; HttpOnly; SameSite=Strict` };
  const codePage = (status: number, userCode: string, error?: string) =>
    sendHtml(res, status, deviceCodePage({ tenant: c.tenantName, action, csrf, userCode, error }), headers);

  if (req.method !== 'POST') return codePage(200, url.searchParams.get('user_code') ?? '');
  const form = await readForm(req);
  const userCode = form.get('user_code') ?? '';
  if (!known || !sameToken(form.get('csrf') ?? '', known)) return codePage(400, userCode, 'This page expired. Enter the code again.');

  const code = await findPendingDeviceCode(c.provider, userCode);
  if (typeof code === 'string') return codePage(400, userCode, FAILURE_MESSAGES[code]);
  const client = await c.provider.Client.find(code.clientId);
  const email = form.get('email');
  const page = (status: number, error?: string) =>
    sendHtml(
      res,
      status,
      loginPage({ tenant: c.tenantName, action, appName: client?.clientName ?? code.clientId, email: email ?? '', error, hidden: { csrf, user_code: userCode } }),
      headers,
    );
  if (email === null) return page(200);

  const signIn = c.directory.signIn(email, form.get('password') ?? '');
  if (!signIn.ok) return page(401, FAILURE_MESSAGES[signIn.reason]);
  await completeDeviceCode(c.provider, code, signIn.user);
  const done = `You have signed in to ${client?.clientName ?? 'the app'} as ${signIn.user.username}. You can close this window.`;
  sendHtml(res, 200, messagePage(c.tenantName, 'You’re signed in', done), headers);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
