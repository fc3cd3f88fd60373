/** The identity provider's HTML: plain, accessible forms (labels, one button each) that tests drive by role. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0;padding:48px 16px;color:#1b1b1b}
main{max-width:400px;margin:0 auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.tenant{color:#555;font-size:.9em;margin:0 0 8px}h1{font-size:1.5em;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px}input{width:100%;box-sizing:border-box;padding:8px;font-size:1em;border:1px solid #888}
button{margin-top:20px;padding:8px 24px;font-size:1em;background:#0067b8;color:#fff;border:0;cursor:pointer}
.error{color:#a4262c;font-weight:600}.note{color:#555;font-size:.9em}`;

interface Shell {
  tenant: string;
  title: string;
  body: string;
}

function page({ tenant, title, body }: Shell): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – local cloud</title><style>${STYLE}</style></head>
<body><main><p class="tenant">${escapeHtml(tenant)}</p><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

export interface LoginPage {
  tenant: string;
  action: string;
  appName: string;
  email?: string;
  error?: string;
  hidden?: Record<string, string>;
}

export function loginPage(p: LoginPage): string {
  return page({
    tenant: p.tenant,
    title: 'Sign in',
    body: `<p>to continue to ${escapeHtml(p.appName)}</p>
${errorLine(p.error)}
<form method="post" action="${escapeHtml(p.action)}">
${hiddenFields(p.hidden ?? {})}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(p.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  });
}

export interface DeviceCodePage {
  tenant: string;
  action: string;
  csrf: string;
  userCode?: string;
  error?: string;
}

export function deviceCodePage(p: DeviceCodePage): string {
  return page({
    tenant: p.tenant,
    title: 'Enter code',
    body: `<p>Enter the code displayed in the app or on your device to allow access.</p>
${errorLine(p.error)}
<form method="post" action="${escapeHtml(p.action)}">
${hiddenFields({ csrf: p.csrf })}
<label for="user_code">Code</label>
<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" required value="${escapeHtml(p.userCode ?? '')}">
<button type="submit">Next</button>
</form>`,
  });
}

export function messagePage(tenant: string, title: string, text: string): string {
  return page({ tenant, title, body: `<p>${escapeHtml(text)}</p>` });
}

/** An OAuth error oidc-provider could not send back to the app (unknown client, wrong redirect URI). */
export function oauthErrorPage(tenant: string, error: string, description: string): string {
  return page({
    tenant,
    title: 'Sign-in failed',
    body: `<p class="error" role="alert">${escapeHtml(error)}</p><p>${escapeHtml(description)}</p>
<p class="note">The app that sent you here asked for something this identity provider does not allow.</p>`,
  });
}
