import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SeedshipError } from '../../../../shared/api/errors';
import { NonceSource, unwrapKey, wrapKey } from './aes-ccm-key';
import { FVE_STATE, VMK_KEY_METHOD } from './constants';
import { decodeKeyDatum, encodeKeyDatum } from './datum';
import { buildMetadataArea, parseMetadataArea, validationMatches } from './fve-metadata';
import { buildFveVolumeHeader, parseFveVolumeHeader } from './fve-volume-header';
import { guidFromBytes, guidToBytes } from './guid-time';
import { generateRecoveryPassword, recoveryKeyFromPassword, recoveryPasswordFromKey } from './recovery-password';
import { stretchRecoveryKey } from './stretch-key';
import { createBitLockerVolume } from './volume-keys';

describe('recovery passwords', () => {
  it('generates 8 groups of 6 digits, each 11·q with q < 65536, that spell their key', () => {
    for (let i = 0; i < 200; i += 1) {
      const { password, key } = generateRecoveryPassword();
      const groups = password.split('-');
      expect(groups).toHaveLength(8);
      for (const g of groups) {
        expect(g).toMatch(/^\d{6}$/);
        expect(Number(g) % 11).toBe(0);
        expect(Number(g) / 11).toBeLessThan(65536);
      }
      expect(recoveryKeyFromPassword(password).equals(key)).toBe(true);
    }
  });

  it('maps the documented example to its little-endian quotients', () => {
    // libbde's example password: 471207 = 11·42837, …
    const key = recoveryKeyFromPassword('471207-278498-422125-177177-561902-537405-468006-693451');
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => key.readUInt16LE(i * 2))).toEqual([42837, 25318, 38375, 16107, 51082, 48855, 42546, 63041]);
    expect(recoveryPasswordFromKey(key)).toBe('471207-278498-422125-177177-561902-537405-468006-693451');
  });

  it.each([
    ['471207-278498-422125-177177-561902-537405-468006', /8 groups/],
    ['471207-278498-42212a-177177-561902-537405-468006-693451', /group 3 is not 6 digits/],
    ['471207-278498-422125-177177-561902-537405-468006-693452', /group 8 fails the checksum/],
    ['471207-278498-422125-177177-561902-999999-468006-693451', /group 6 is too large/],
  ])('refuses %s, naming the group', (password, message) => {
    let error: unknown;
    try {
      recoveryKeyFromPassword(password);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeedshipError);
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'recoveryPassword', message: expect.stringMatching(message) });
    for (const group of password.split('-')) expect((error as Error).message).not.toContain(group); // never echoes the digits
  });
});

describe('key stretching', () => {
  it('is deterministic, salt-dependent, and takes a few seconds at most', () => {
    const key = randomBytes(16);
    const salt = randomBytes(16);
    const started = performance.now();
    const a = stretchRecoveryKey(key, salt);
    const ms = performance.now() - started;
    expect(a).toHaveLength(32);
    expect(stretchRecoveryKey(key, salt).equals(a)).toBe(true);
    expect(stretchRecoveryKey(key, randomBytes(16)).equals(a)).toBe(false);
    expect(ms).toBeLessThan(6000);
  }, 30_000);
});

describe('AES-CCM key wrapping', () => {
  it('round-trips and rejects a wrong key or a flipped bit', () => {
    const nonces = new NonceSource(123n);
    const kek = randomBytes(32);
    const wrapped = wrapKey(kek, encodeKeyDatum(VMK_KEY_METHOD, randomBytes(32)), nonces.take());
    expect(wrapped.nonce.readUInt32LE(8)).toBe(1);
    expect(nonces.next).toBe(2);
    const plain = unwrapKey(kek, wrapped);
    expect(plain && decodeKeyDatum(plain).method).toBe(VMK_KEY_METHOD);
    expect(unwrapKey(randomBytes(32), wrapped)).toBeUndefined();
    const flipped = { ...wrapped, ciphertext: Buffer.from(wrapped.ciphertext) };
    flipped.ciphertext[0] = (flipped.ciphertext[0] as number) ^ 1;
    expect(unwrapKey(kek, flipped)).toBeUndefined();
  });
});

describe('FVE metadata and volume header', () => {
  const volume = createBitLockerVolume({ method: 'XtsAes256', sectorSize: 4096, metadataOffsets: [0x100000, 0x200000, 0x300000], volumeHeaderOffset: 0x400000, description: 'test' });

  it('round-trips, seals its contents under the VMK, and starts "in progress" with nothing encrypted', () => {
    const area = buildMetadataArea(volume.metadata, volume.vmk, volume.nonces);
    expect(area).toHaveLength(65536);
    const parsed = parseMetadataArea(area);
    expect(parsed.crcMatches).toBe(true);
    expect(validationMatches(parsed, volume.vmk)).toBe(true);
    expect(validationMatches(parsed, randomBytes(32))).toBe(false);
    expect(parsed.metadata).toMatchObject({ currentState: FVE_STATE.switching, nextState: FVE_STATE.encrypted, encryptedVolumeBytes: 0, volumeHeaderSectors: 2, method: 0x8005, description: 'test' });
    expect(parsed.metadata.metadataOffsets).toEqual([0x100000, 0x200000, 0x300000]);
    expect(parsed.metadata.volumeHeaderBlock).toEqual({ offset: 0x400000, size: 8192 });
    expect(guidFromBytes(parsed.metadata.vmk.guid)).toBe(volume.protectorId);
    const fvek = unwrapKey(volume.vmk, parsed.metadata.fvek);
    expect(fvek && decodeKeyDatum(fvek).key.equals(volume.fvek)).toBe(true);
  });

  it('an edit with a recomputed CRC-32 passes the CRC but not the sealed hash', () => {
    const area = buildMetadataArea(volume.metadata, volume.vmk, volume.nonces);
    const blockBytes = area.readUInt16LE(8) * 16;
    area.writeBigUInt64LE(1n << 40n, 16); // claim more encrypted bytes
    expect(parseMetadataArea(area).crcMatches).toBe(false);
    area.writeUInt32LE(crc32(area.subarray(0, blockBytes)), blockBytes + 4);
    const parsed = parseMetadataArea(area);
    expect(parsed.crcMatches).toBe(true);
    expect(validationMatches(parsed, volume.vmk)).toBe(false);
  });

  it('uses fresh nonces for every copy it writes', () => {
    const a = parseMetadataArea(buildMetadataArea(volume.metadata, volume.vmk, volume.nonces));
    const b = parseMetadataArea(buildMetadataArea(volume.metadata, volume.vmk, volume.nonces));
    expect(a.validation.nonce.equals(b.validation.nonce)).toBe(false);
    expect(b.metadata.nextNonce).toBeGreaterThan(a.metadata.nextNonce);
  });

  it('builds a -FVE-FS- header with the GUID and the three offsets, sized to the sector', () => {
    const ntfs = Buffer.alloc(4096);
    ntfs.write('NTFS    ', 3, 'latin1');
    ntfs.writeUInt16LE(4096, 11);
    ntfs[13] = 1;
    const header = buildFveVolumeHeader(ntfs, [1, 2, 3]);
    expect(header).toHaveLength(4096);
    expect(header.toString('latin1', 3, 11)).toBe('-FVE-FS-');
    expect(header.subarray(160, 176).equals(guidToBytes('4967d63b-2e29-4ad8-8399-f6a339e3d001'))).toBe(true);
    expect(parseFveVolumeHeader(header)).toEqual({ sectorSize: 4096, metadataOffsets: [1, 2, 3] });
    expect(parseFveVolumeHeader(ntfs)).toBeUndefined();
  });
});
