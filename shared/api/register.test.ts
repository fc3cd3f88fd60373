import { describe, expect, it, vi } from 'vitest';
import type { DriveList } from '../drives/drive';
import { createApiClient } from './client';
import { CHANNELS, type Services } from './contract';
import { SeedshipError, type Envelope } from './errors';
import { EventHub } from './event-hub';
import { registerServices, type Transport } from './register';

const settings = { rehearsalDrives: false, stagingPath: null, cloudProfile: 'local' as const, azureClientId: null, azureTenantId: null };
const cloudStatus = { profile: 'local' as const, localCloud: 'running' as const, authority: null, armEndpoint: null, account: null, signInMethods: ['device-code' as const], problem: null };
const emptyList: DriveList = { drives: [], hidden: [], rehearsalDrives: false, stagingPath: null, scannedAt: '2026-01-01T00:00:00Z' };

/** Services these tests never call. */
const unused = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function fakeServices(overrides: Partial<Services> = {}): Services {
  return {
    app: { info: async () => ({ version: '1', transport: 'cli', platform: 'linux-x64', dataDir: '/d' }) },
    drives: { list: vi.fn(async () => emptyList) },
    settings: { get: async () => settings, update: vi.fn(async () => ({ ...settings, rehearsalDrives: true })) },
    cloud: { status: async () => cloudStatus },
    auth: {
      signIn: async () => ({ username: 'op@contoso.test', name: null, tenantId: 't' }),
      cancelSignIn: async () => ({ cancelled: false }),
      signOut: async () => cloudStatus,
    },
    plan: { get: unused, save: unused, reset: unused, estimate: unused, generatePassphrase: unused, setPassphrase: unused, checkStaging: unused, checkAzure: unused, registerProvider: unused, prepareAzure: unused },
    backup: { start: unused, snapshots: unused, browse: unused, restore: unused },
    diskprep: { jobs: unused, drives: unused, plan: unused, start: unused, preparedDrives: unused, revealKey: unused, createImportJob: unused, datacenter: unused, exportRecord: unused },
    jobs: { list: unused, show: unused, track: unused, returnShipping: unused, notificationEmails: unused, cancel: unused, delete: unused, driveLogs: unused },
    vault: { status: unused, seed: unused, backup: unused, snapshots: unused, restore: unused, cleanup: unused },
    schedule: { status: unused },
    tasks: { list: unused, cancel: unused },
    ...overrides,
  };
}

function bind(services: Services, events = new EventHub(), onUnexpectedError = vi.fn()) {
  const handlers = new Map<string, (p: unknown) => Promise<Envelope<unknown>>>();
  const published: [string, unknown][] = [];
  const transport: Transport = { handle: (c, h) => handlers.set(c, h), publish: (e, p) => published.push([e, p]) };
  const stop = registerServices(transport, services, events, { onUnexpectedError });
  const call = (channel: string, payload: unknown) => handlers.get(channel)!(payload);
  return { handlers, published, call, stop, events, onUnexpectedError };
}

describe('registerServices', () => {
  it('binds every channel of the contract', () => {
    const { handlers } = bind(fakeServices());
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('refuses a service set that misses a method', () => {
    const broken = { ...fakeServices(), drives: {} } as unknown as Services;
    expect(() => bind(broken)).toThrow(/drives\.list/);
  });

  const bad: [string, string, unknown, string][] = [
    ['wrong type', 'drives.list', { includeLoop: 'yes' }, 'includeLoop'],
    ['unknown field', 'drives.list', { includeLoop: true, format: true }, 'format'],
    ['oversized string', 'settings.update', { stagingPath: `/${'a'.repeat(5000)}` }, 'stagingPath'],
    ['empty string', 'settings.update', { stagingPath: '' }, 'stagingPath'],
    ['not an object', 'settings.update', 'rehearsalDrives', 'payload'],
    ['array instead of object', 'app.info', [], 'payload'],
    ['null where a boolean goes', 'settings.update', { rehearsalDrives: null }, 'rehearsalDrives'],
  ];
  it.each(bad)('answers %s with a VALIDATION error naming the field, without calling the service', async (_name, channel, payload, field) => {
    const services = fakeServices();
    const { call } = bind(services);
    const answer = await call(channel, payload);
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION', field } });
    if (!answer.ok) expect(answer.error.message).toContain(field === 'payload' ? channel : field);
    expect(services.drives.list).not.toHaveBeenCalled();
    expect(services.settings.update).not.toHaveBeenCalled();
  });

  it('passes valid input through and answers the result', async () => {
    const services = fakeServices();
    const { call } = bind(services);
    expect(await call('drives.list', { includeLoop: true })).toEqual({ ok: true, result: emptyList });
    expect(services.drives.list).toHaveBeenCalledWith({ includeLoop: true });
    expect(await call('app.info', undefined)).toMatchObject({ ok: true });
  });

  it('keeps a service’s own error, code and field', async () => {
    const { call } = bind(
      fakeServices({
        settings: {
          get: async () => settings,
          update: async () => {
            throw new SeedshipError('VALIDATION', 'Staging location "/x" does not exist.', 'stagingPath');
          },
        },
      }),
    );
    expect(await call('settings.update', { stagingPath: '/x' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: 'Staging location "/x" does not exist.', field: 'stagingPath' },
    });
  });

  it('hides unexpected errors from clients but reports them for the log', async () => {
    const { call, onUnexpectedError } = bind(
      fakeServices({ drives: { list: async () => Promise.reject(new Error('EACCES /dev/sda secret detail')) } }),
    );
    const answer = await call('drives.list', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('secret detail');
    expect(onUnexpectedError).toHaveBeenCalledWith('drives.list', expect.any(Error));
  });

  it('refuses to send an answer that breaks the contract', async () => {
    const { call, onUnexpectedError } = bind(
      fakeServices({ drives: { list: async () => ({ ...emptyList, drives: [{ device: 42 }] }) as unknown as DriveList } }),
    );
    expect(await call('drives.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(onUnexpectedError).toHaveBeenCalled();
  });

  it('forwards valid events, drops malformed ones, and stops on unsubscribe', () => {
    const { published, events, stop, onUnexpectedError } = bind(fakeServices());
    events.emit('drives.changed', emptyList);
    events.emit('drives.changed', { nonsense: true } as unknown as DriveList);
    expect(published).toEqual([['drives.changed', emptyList]]);
    expect(onUnexpectedError).toHaveBeenCalledTimes(1);
    stop();
    events.emit('drives.changed', emptyList);
    expect(published).toHaveLength(1);
  });
});

describe('createApiClient', () => {
  it('throws error envelopes as SeedshipError with code and field', async () => {
    const { call } = bind(fakeServices());
    const api = createApiClient(call, () => () => undefined);
    await expect(api.drives.list({ includeLoop: 'x' as unknown as boolean })).rejects.toMatchObject({ code: 'VALIDATION', field: 'includeLoop' });
    await expect(api.drives.list({})).resolves.toEqual(emptyList);
  });

  it('refuses to subscribe to events the contract doesn’t have', () => {
    const api = createApiClient(async () => ({ ok: true, result: null }), () => () => undefined);
    expect(() => api.on('drives.formatted' as 'drives.changed', () => undefined)).toThrow(SeedshipError);
  });
});
