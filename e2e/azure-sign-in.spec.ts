import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { launchOperatorBrowser } from './fixtures/operator-browser';

let host: RunningHost;

test.beforeEach(async () => {
  host = await startHost();
});

test.afterEach(async () => {
  expect(await host.stop()).toBe(0);
});

test('an operator signs in to the local cloud with a device code from the Azure page', async ({ page }, testInfo) => {
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Azure' }).click();
  await expect(page.getByRole('heading', { name: 'Azure' })).toBeVisible();
  // The local cloud is the default profile; the host started it.
  await expect(page.getByText('running', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Not signed in')).toBeVisible();

  await page.getByRole('button', { name: 'Sign in with a code' }).click();
  const card = page.getByRole('group', { name: 'Device code sign-in' }).or(page.getByLabel('Device code sign-in'));
  await expect(card).toBeVisible();
  const code = (await page.getByTestId('device-code').textContent())?.trim() ?? '';
  expect(code.length).toBeGreaterThan(3);
  const verificationUri = await card.getByRole('link').getAttribute('href');
  expect(verificationUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);

  // The operator's browser: the identity provider's own pages, over TLS signed by the local cloud's CA.
  const operatorBrowser = await launchOperatorBrowser(host.dataDir);
  const login = await operatorBrowser.newPage();
  await login.goto(verificationUri!);
  await login.getByLabel('Code').fill(code);
  await login.getByRole('button', { name: 'Next' }).click();
  await login.getByLabel('Email').fill('operator@contoso.test');
  await login.getByLabel('Password').fill('wrong password');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByText(/password/i).first()).toBeVisible();
  await login.getByLabel('Email').fill('operator@contoso.test');
  await login.getByLabel('Password').fill('Rehearse-Seedship-1');
  await login.getByRole('button', { name: 'Sign in' }).click();
  const accept = login.getByRole('button', { name: 'Accept' });
  if (await accept.isVisible().catch(() => false)) await accept.click();

  await expect(page.getByText('operator@contoso.test')).toBeVisible({ timeout: 30_000 });
  await operatorBrowser.close();
  await expect(page.getByText('Signed in', { exact: true })).toBeVisible();
  const shot = testInfo.outputPath('azure-signed-in.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('azure-signed-in', { path: shot, contentType: 'image/png' });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('Not signed in')).toBeVisible();
});
