/**
 * The renderer's Content-Security-Policy, sent by the Electron protocol handler and the headless host
 * alike. Styles allow 'unsafe-inline' because Fluent UI (Griffel) inserts its rules at run time;
 * scripts never do. 'self' covers the host's same-origin WebSocket (CSP Level 3).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The custom scheme the Electron window loads the renderer from, instead of file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'seedship';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Hosts whose https pages the app may open in the system browser (Azure docs, portal, sign-in). */
export const EXTERNAL_HOSTS = [
  'learn.microsoft.com',
  'portal.azure.com',
  'login.microsoftonline.com',
  'microsoft.com',
  'aka.ms',
] as const;

/** true for https URLs on an allow-listed host (or its subdomains): only these reach openExternal. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  return EXTERNAL_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}

/** true when `raw` is a page of the app itself (the only place a window may navigate to). */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}
