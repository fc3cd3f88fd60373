import { randomBytes } from 'node:crypto';
import { NonceSource, wrapKey } from './aes-ccm-key';
import { ENCRYPTION_METHOD, type EncryptionMethodName, FVE_STATE, PROTECTION_RECOVERY_PASSWORD, VMK_KEY_METHOD, VOLUME_HEADER_BYTES } from './constants';
import { encodeKeyDatum } from './datum';
import { type FveMetadata } from './fve-metadata';
import { guidFromBytes, randomGuidBytes, toFiletime } from './guid-time';
import { generateRecoveryPassword } from './recovery-password';
import { stretchRecoveryKey } from './stretch-key';

/** A fresh BitLocker key hierarchy and the metadata that stores it (before any data is encrypted). */
export interface NewBitLockerVolume {
  metadata: FveMetadata;
  nonces: NonceSource;
  recoveryPassword: string;
  /** The VMK GUID, shown by Windows as the recovery key ID. */
  protectorId: string;
  vmk: Buffer;
  /** The XTS key K1‖K2 that encrypts the sectors. */
  fvek: Buffer;
}

/** A recovery password and the key it stretches to under `salt` (the AES-CCM key that wraps the VMK). */
export interface RecoveryProtector {
  password: string;
  salt: Buffer;
  /** The owner zeroes it once done. */
  stretched: Buffer;
}

/**
 * A fresh recovery password, stretched by `stretch` (2^20 SHA-256 rounds, about a second: a caller
 * may run it on a worker thread while it does other work).
 */
export async function newRecoveryProtector(stretch: (recoveryKey: Buffer, salt: Buffer) => Buffer | Promise<Buffer> = stretchRecoveryKey): Promise<RecoveryProtector> {
  const { password, key } = generateRecoveryPassword();
  const salt = randomBytes(16);
  try {
    return { password, salt, stretched: await stretch(key, salt) };
  } finally {
    key.fill(0);
  }
}

/**
 * Generates recovery password (unless `protector` brings one, already stretched), VMK and FVEK from the OS random source, wraps the VMK under the
 * stretched recovery key and the FVEK under the VMK, and fills in metadata in the
 * "encryption in progress, nothing encrypted yet" state.
 */
export function createBitLockerVolume(o: {
  method: EncryptionMethodName;
  sectorSize: number;
  metadataOffsets: [number, number, number];
  volumeHeaderOffset: number;
  description: string;
  now?: Date;
  /** The caller still owns (and zeroes) its stretched key. */
  protector?: RecoveryProtector;
  /** An FVEK made beforehand by newFvek (data already encrypted under it); taken over, not copied. */
  fvek?: Buffer;
}): NewBitLockerVolume {
  const filetime = toFiletime(o.now ?? new Date());
  const nonces = new NonceSource(filetime);
  let password: string;
  let salt: Buffer;
  let stretched: Buffer;
  if (o.protector) {
    ({ password, salt } = o.protector);
    stretched = Buffer.from(o.protector.stretched);
  } else {
    const generated = generateRecoveryPassword();
    password = generated.password;
    salt = randomBytes(16);
    stretched = stretchRecoveryKey(generated.key, salt);
    generated.key.fill(0);
  }
  const vmk = randomBytes(32);
  const fvek = o.fvek ?? newFvek(o.method);
  if (fvek.length !== (o.method === 'XtsAes128' ? 32 : 64)) throw new RangeError(`An FVEK for ${o.method} is ${o.method === 'XtsAes128' ? 32 : 64} bytes.`);
  const method = ENCRYPTION_METHOD[o.method];
  const wrappedVmk = wrapKey(stretched, encodeKeyDatum(VMK_KEY_METHOD, vmk), nonces.take());
  stretched.fill(0);
  const vmkGuid = randomGuidBytes();
  const metadata: FveMetadata = {
    currentState: FVE_STATE.switching,
    nextState: FVE_STATE.encrypted,
    encryptedVolumeBytes: 0,
    volumeHeaderSectors: VOLUME_HEADER_BYTES / o.sectorSize,
    metadataOffsets: o.metadataOffsets,
    volumeHeaderOffset: o.volumeHeaderOffset,
    volumeGuid: randomGuidBytes(),
    nextNonce: 0,
    method,
    createdFiletime: filetime,
    description: o.description,
    vmk: { guid: vmkGuid, modifiedFiletime: filetime, protection: PROTECTION_RECOVERY_PASSWORD, salt, wrapped: wrappedVmk },
    fvek: wrapKey(vmk, encodeKeyDatum(method, fvek), nonces.take()),
    volumeHeaderBlock: { offset: o.volumeHeaderOffset, size: VOLUME_HEADER_BYTES },
  };
  return { metadata, nonces, recoveryPassword: password, protectorId: guidFromBytes(vmkGuid), vmk, fvek };
}

/**
 * A fresh FVEK for `method` from the OS random source, before the rest of the keys (createBitLockerVolume's
 * `fvek`): data can be encrypted under it while the recovery key is still being stretched.
 */
export function newFvek(method: EncryptionMethodName): Buffer {
  return randomXtsKey(method === 'XtsAes128' ? 32 : 64);
}

/** XTS needs two different halves (IEEE 1619; OpenSSL refuses equal ones). */
function randomXtsKey(bytes: number): Buffer {
  for (;;) {
    const key = randomBytes(bytes);
    if (!key.subarray(0, bytes / 2).equals(key.subarray(bytes / 2))) return key;
  }
}
