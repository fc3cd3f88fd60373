import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { openApiSocket } from './fixtures/api-socket';
import { createLoopDevice, mountExt4, type LoopDevice } from './fixtures/loop-device';

const MiB = 1024 * 1024;
let host: RunningHost;
const cleanups: (() => void)[] = [];

test.beforeEach(async () => {
  host = await startHost();
});

test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.warn('cleanup failed:', (error as Error).message);
    }
  }
  expect(await host.stop()).toBe(0);
});

/** Turns on rehearsal drives the way an operator does; the switch follows the saved setting. */
async function showRehearsalDrives(page: Page): Promise<void> {
  const toggle = page.getByRole('switch', { name: /rehearsal drives/ });
  await toggle.click();
  await expect(toggle).toBeChecked();
}

function loop(sizeBytes: number, options?: { readOnly?: boolean }): LoopDevice {
  const drive = createLoopDevice(sizeBytes, options);
  cleanups.push(drive.detach);
  return drive;
}

test('the host prints one ready line and refuses everything without the session token', async () => {
  expect(host.stdout().match(/Seedship is ready at/g)).toHaveLength(1);
  for (const path of ['/', '/index.html', '/assets/x.js', '/?token=wrong']) {
    const res = await fetch(`${host.origin}${path}`, { redirect: 'manual' });
    expect(res.status, path).toBe(401);
  }
  const withToken = await fetch(`${host.url}`, { redirect: 'manual' });
  expect(withToken.status).toBe(302);
  expect(withToken.headers.get('set-cookie')).toContain('HttpOnly');

  await expect(openApiSocket(host.origin, null)).rejects.toThrow(/401/);
  await expect(openApiSocket(host.origin, 'not-the-token')).rejects.toThrow(/401/);
  // A page on another origin can't ride the operator's cookie (cross-site WebSocket hijacking).
  const foreign = await fetch(`${host.origin}/api`, {
    headers: { Connection: 'Upgrade', Upgrade: 'websocket', Origin: 'http://evil.example', Cookie: `seedship_session=${host.token}`, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
  }).catch((error: Error) => error);
  expect(foreign instanceof Error || foreign.status === 401).toBe(true);
});

test('malformed API calls get a validation error naming the field, and the host stays up', async () => {
  const api = await openApiSocket(host.origin, host.token);
  const wrongType = await api.send({ id: 1, channel: 'drives.list', payload: { includeLoop: 'yes' } });
  expect(wrongType).toMatchObject({ id: 1, ok: false, error: { code: 'VALIDATION', field: 'includeLoop' } });
  const unknownField = await api.send({ id: 2, channel: 'settings.update', payload: { rehearsalDrives: true, wipeEverything: true } });
  expect(unknownField).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'wipeEverything' } });
  const oversized = await api.send({ id: 3, channel: 'settings.update', payload: { stagingPath: `/${'x'.repeat(5000)}` } });
  expect(oversized).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'stagingPath' } });
  const unknownCall = await api.send({ id: 4, channel: 'drives.format', payload: {} });
  expect(unknownCall).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'channel' } });
  const notJson = await api.send('{{{');
  expect(notJson).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  const relative = await api.send({ id: 5, channel: 'settings.update', payload: { stagingPath: 'relative/path' } });
  expect(relative).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'stagingPath' } });
  expect(relative.error?.message).toContain('relative/path');
  const fine = await api.send({ id: 6, channel: 'app.info', payload: {} });
  expect(fine).toMatchObject({ id: 6, ok: true, result: { transport: 'headless' } });
  api.close();
});

test('the Drives page shows loop devices with their size and classification, live', async ({ page }, testInfo) => {
  const ready = loop(512 * MiB);
  const tiny = loop(64 * MiB);
  const readOnly = loop(300 * MiB, { readOnly: true });
  // A sparse 11 TB file: a real block device larger than Import/Export accepts, costing no disk space.
  const huge = loop(11 * 1000 ** 4);

  await page.goto(host.url);
  // The backup wizard is the first page; the Drives page is one click away.
  await page.getByRole('button', { name: 'Drives' }).click();
  await expect(page.getByRole('heading', { name: 'Drives' })).toBeVisible();
  // The system disk is never offered, and the page says so.
  await expect(page.getByRole('group', { name: 'Not offered' })).toContainText('operating system');

  await showRehearsalDrives(page);
  const row = (device: string) => page.locator(`tr[data-device="${device}"]`);

  await expect(row(ready.device)).toBeVisible();
  await expect(row(ready.device).locator('[data-column="size"]')).toHaveText('512 MiB');
  await expect(row(ready.device)).toContainText('Ready');
  await expect(row(ready.device)).toContainText(`Rehearsal drive backed by ${ready.file}`);

  await expect(row(tiny.device).locator('[data-column="size"]')).toHaveText('64 MiB');
  await expect(row(tiny.device)).toContainText('Can’t use');
  await expect(row(tiny.device)).toContainText('Is only 64 MiB');

  await expect(row(readOnly.device)).toContainText('Can’t use');
  await expect(row(readOnly.device)).toContainText('read-only');

  await expect(row(huge.device)).toContainText('Can’t use');
  await expect(row(huge.device)).toContainText('Is 11 TB (10 TiB): the Import/Export service accepts drives of up to 10 TB');

  const shot = testInfo.outputPath('drives-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('drives-page', { path: shot, contentType: 'image/png' });

  // Drives coming and going show up without a reload.
  tiny.detach();
  await expect(row(tiny.device)).toHaveCount(0);
  const late = loop(400 * MiB);
  await expect(row(late.device).locator('[data-column="size"]')).toHaveText('400 MiB');
});

test('the drive holding the staging location is hidden, with the reason', async ({ page }) => {
  const staging = loop(300 * MiB);
  const mounted = mountExt4(staging.device);
  cleanups.push(mounted.unmount);

  await page.goto(host.url);
  await page.getByRole('button', { name: 'Drives' }).click();
  await showRehearsalDrives(page);
  const row = page.locator(`tr[data-device="${staging.device}"]`);
  // A freshly made file system (only lost+found) is not "with files"; one with a file is.
  await expect(row).toContainText('Ready');
  writeFileSync(join(mounted.mountpoint, 'holiday-photos.txt'), 'precious');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(row).toContainText('Check first');
  await expect(row).toContainText(`Is mounted at ${mounted.mountpoint} and may hold files`);

  await page.getByRole('button', { name: 'Settings' }).click();
  const field = page.getByLabel('Staging location');
  await field.fill('not/absolute');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('must be a full path')).toBeVisible();

  await field.fill(mounted.mountpoint);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('must be a full path')).toHaveCount(0);

  await page.getByRole('button', { name: 'Drives' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Not offered' })).toContainText(`${staging.device}: Holds the staging location (${mounted.mountpoint})`);
});
