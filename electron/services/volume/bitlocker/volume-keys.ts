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

/**
 * Generates recovery password, VMK and FVEK from the OS random source, wraps the VMK under the
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
}): NewBitLockerVolume {
  const filetime = toFiletime(o.now ?? new Date());
  const nonces = new NonceSource(filetime);
  const { password, key: recoveryKey } = generateRecoveryPassword();
  const salt = randomBytes(16);
  const vmk = randomBytes(32);
  const fvek = randomXtsKey(o.method === 'XtsAes128' ? 32 : 64);
  const method = ENCRYPTION_METHOD[o.method];
  const stretched = stretchRecoveryKey(recoveryKey, salt);
  const wrappedVmk = wrapKey(stretched, encodeKeyDatum(VMK_KEY_METHOD, vmk), nonces.take());
  stretched.fill(0);
  recoveryKey.fill(0);
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

/** XTS needs two different halves (IEEE 1619; OpenSSL refuses equal ones). */
function randomXtsKey(bytes: number): Buffer {
  for (;;) {
    const key = randomBytes(bytes);
    if (!key.subarray(0, bytes / 2).equals(key.subarray(bytes / 2))) return key;
  }
}
