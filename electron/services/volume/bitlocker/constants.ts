import { guidToBytes } from './guid-time';

/** Windows 7+ BitLocker volume identifier, at 0xA0 of the `-FVE-FS-` volume header (libbde). */
export const BITLOCKER_GUID = guidToBytes('4967d63b-2e29-4ad8-8399-f6a339e3d001');
export const FVE_SIGNATURE = Buffer.from('-FVE-FS-', 'latin1');
/** Boot entry point of a Windows 7+ volume header (cryptsetup BITLK_BOOTCODE_V2). */
export const BOOT_ENTRY_V2 = Buffer.from([0xeb, 0x58, 0x90]);

/** Each FVE metadata copy occupies 64 KiB (cryptsetup BITLK_FVE_METADATA_SIZE; dislocker metafiles_size). */
export const METADATA_AREA_BYTES = 64 * 1024;
/** The NTFS boot area BitLocker relocates (and encrypts) elsewhere: the first 8 KiB (libbde "FVE2.{GUID}"). */
export const VOLUME_HEADER_BYTES = 8192;

export const ENCRYPTION_METHOD = { XtsAes128: 0x8004, XtsAes256: 0x8005 } as const;
export type EncryptionMethodName = keyof typeof ENCRYPTION_METHOD;
/** Key-datum methods seen on Windows volumes: the VMK is a 256-bit AES-CCM key; the stretch key's method. */
export const VMK_KEY_METHOD = 0x2000;
export const STRETCH_KEY_METHOD = 0x1000;
/** Hash method of the validation datum (cryptsetup: anything but 0x2005 is unsupported). */
export const VALIDATION_HASH_METHOD = 0x2005;

/** Conversion states of the metadata block header (dislocker enum state_types). */
export const FVE_STATE = { decrypted: 1, switching: 2, encrypted: 4, paused: 5 } as const;

/** VMK protection type for a numerical (recovery) password (libbde key protection types). */
export const PROTECTION_RECOVERY_PASSWORD = 0x0800;

export const ENTRY_TYPE = { property: 0x0000, vmk: 0x0002, fvek: 0x0003, description: 0x0007, volumeHeaderBlock: 0x000f } as const;
export const VALUE_TYPE = { erased: 0, key: 1, unicode: 2, stretchKey: 3, aesCcmKey: 5, vmk: 8, offsetAndSize: 0x000f } as const;
