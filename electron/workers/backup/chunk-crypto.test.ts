import { describe, expect, it } from 'vitest';
import { chunkId, ChunkAuthenticationError, deriveKeys, keyCheck, newKdfParams, openChunk, passphraseMatches, sealChunk, type KdfParams } from './chunk-crypto';

// A cheap KDF for the tests; the default cost is exercised once below.
const fast = (): KdfParams => ({ ...newKdfParams(), N: 2 ** 10 });
const PASSPHRASE = 'correct horse battery staple 2026';

describe('chunk encryption', () => {
  it('round-trips, with a fresh nonce every time', async () => {
    const keys = await deriveKeys(PASSPHRASE, fast());
    const data = Buffer.from('the quarterly numbers, in full');
    const id = chunkId(keys, data);
    const a = sealChunk(keys, id, data);
    const b = sealChunk(keys, id, data);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(data)).toBe(false);
    expect(openChunk(keys, id, a).equals(data)).toBe(true);
    expect(openChunk(keys, id, b).equals(data)).toBe(true);
  });

  it('names chunks by keyed hash: same data same id, other passphrase other id', async () => {
    const params = fast();
    const keys = await deriveKeys(PASSPHRASE, params);
    const other = await deriveKeys('another passphrase entirely', params);
    const data = Buffer.from('x'.repeat(1000));
    expect(chunkId(keys, data)).toBe(chunkId(keys, Buffer.from('x'.repeat(1000))));
    expect(chunkId(keys, data)).not.toBe(chunkId(other, data));
    expect(chunkId(keys, data)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a wrong passphrase, a flipped bit, and a chunk stored under another id', async () => {
    const params = fast();
    const keys = await deriveKeys(PASSPHRASE, params);
    const wrong = await deriveKeys(`${PASSPHRASE}!`, params);
    const data = Buffer.from('payroll.xlsx contents');
    const id = chunkId(keys, data);
    const sealed = sealChunk(keys, id, data);
    expect(() => openChunk(wrong, id, sealed)).toThrow(ChunkAuthenticationError);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    expect(() => openChunk(keys, id, flipped)).toThrow(/passphrase is wrong or the data is damaged/);
    const otherId = chunkId(keys, Buffer.from('something else'));
    expect(() => openChunk(keys, otherId, sealed)).toThrow(ChunkAuthenticationError);
    expect(() => openChunk(keys, id, sealed.subarray(0, 10))).toThrow(ChunkAuthenticationError);
  });

  it('tells a wrong passphrase before anything is decrypted', async () => {
    const params = fast();
    const stored = keyCheck(await deriveKeys(PASSPHRASE, params));
    expect(passphraseMatches(await deriveKeys(PASSPHRASE, params), stored)).toBe(true);
    expect(passphraseMatches(await deriveKeys('Correct horse battery staple 2026', params), stored)).toBe(false);
  });

  it('derives with the default (slow) scrypt cost, and the salt matters', async () => {
    const a = newKdfParams();
    const b = newKdfParams();
    expect(a.N).toBe(2 ** 17);
    const [ka, kb] = await Promise.all([deriveKeys(PASSPHRASE, a), deriveKeys(PASSPHRASE, b)]);
    expect(ka.encryption.equals(kb.encryption)).toBe(false);
  });
});
