import { createHash, X509Certificate } from 'node:crypto';
import { chromium, type Browser } from '@playwright/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARM_SCOPE, deviceCodeSignIn, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let identity: TestIdentity;
let browser: Browser;

beforeEach(async () => {
  identity = await startTestIdentity();
  // Chromium trusts exactly this server's key (SPKI pin), the browser-side twin of trusting the local CA.
  const spki = new X509Certificate(identity.tls.serverCertPem).publicKey.export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pin}`] });
});

afterEach(async () => {
  await browser.close();
  await identity.cleanup();
});

describe('sign-in pages in Chromium', () => {
  it('acquireTokenInteractive: login page, then the code reaches msal-node’s loopback server', async () => {
    const page = await browser.newPage();
    const result = await identity.newPca().acquireTokenInteractive({
      scopes: [ARM_SCOPE],
      successTemplate: '<h1>Signed in to Seedship</h1>',
      openBrowser: async (url) => {
        await page.goto(url);
        await page.getByLabel('Email').fill(OPERATOR.username);
        await page.getByLabel('Password').fill('wrong password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('password is incorrect');
        await page.getByLabel('Password').fill(OPERATOR.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      },
    });
    expect(result.account?.username).toBe(OPERATOR.username);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Signed in to Seedship');
    expect(new URL(page.url()).hostname).toBe('localhost');
  });

  it('device code: Code, Next, Email, Password, Sign in', async () => {
    const page = await browser.newPage();
    const { result } = await deviceCodeSignIn(identity.newPca(), [ARM_SCOPE], async (prompt) => {
      await page.goto(prompt.verificationUri);
      await page.getByLabel('Code').fill(prompt.userCode);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Email').fill(OPERATOR.username);
      await page.getByLabel('Password').fill(OPERATOR.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('You’re signed in');
    });
    expect(result.account?.username).toBe(OPERATOR.username);
  });
});
