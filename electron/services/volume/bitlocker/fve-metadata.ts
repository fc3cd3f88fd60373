import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { type NonceSource, type WrappedKey, unwrapKey, wrapKey } from './aes-ccm-key';
import {
  ENTRY_TYPE,
  FVE_SIGNATURE,
  METADATA_AREA_BYTES,
  STRETCH_KEY_METHOD,
  VALIDATION_HASH_METHOD,
  VALUE_TYPE,
} from './constants';
import { type Datum, decodeAesCcmPayload, decodeDatums, decodeKeyDatum, encodeAesCcmPayload, encodeDatum, encodeKeyDatum } from './datum';

/**
 * One FVE metadata block (libbde "FVE metadata block"; cryptsetup struct bitlk_fve_metadata):
 * a 64-byte block header, a 48-byte metadata header, the entries, zero padding to 16 bytes, then
 * the validation block. Each of the three 64 KiB metadata areas holds an identical copy.
 */
export interface FveMetadata {
  /** Conversion state: current and next (FVE_STATE). */
  currentState: number;
  nextState: number;
  /** Bytes from the start of the volume that are encrypted (readers pass the rest through). */
  encryptedVolumeBytes: number;
  /** The relocated NTFS boot area in sectors (VOLUME_HEADER_BYTES / sector size). */
  volumeHeaderSectors: number;
  metadataOffsets: [number, number, number];
  /** Where the encrypted copy of the NTFS boot area lives. */
  volumeHeaderOffset: number;
  volumeGuid: Buffer;
  nextNonce: number;
  method: number;
  createdFiletime: bigint;
  description: string;
  vmk: VmkEntry;
  fvek: WrappedKey;
  /** The relocated boot area again, as the "volume header block" entry (dislocker requires it). */
  volumeHeaderBlock: { offset: number; size: number };
}

export interface VmkEntry {
  guid: Buffer;
  modifiedFiletime: bigint;
  protection: number;
  salt: Buffer;
  wrapped: WrappedKey;
}

const BLOCK_HEADER_BYTES = 64;
const METADATA_HEADER_BYTES = 48;
const VALIDATION_HEADER_BYTES = 8;
const VALIDATION_BYTES = VALIDATION_HEADER_BYTES + 8 + 12 + 16 + 44;

/**
 * Builds a complete 64 KiB metadata area: block, then validation (CRC-32 of the block and its
 * SHA-256 wrapped under the VMK with a fresh nonce, which is why the nonce source advances).
 */
export function buildMetadataArea(metadata: FveMetadata, vmk: Buffer, nonces: NonceSource): Buffer {
  const validationNonce = nonces.take();
  const block = encodeBlock({ ...metadata, nextNonce: nonces.next });
  const sha256 = hash('sha256', block, 'buffer');
  const wrapped = wrapKey(vmk, encodeKeyDatum(VALIDATION_HASH_METHOD, sha256), validationNonce);
  const validation = Buffer.alloc(VALIDATION_HEADER_BYTES);
  validation.writeUInt16LE(VALIDATION_BYTES, 0);
  validation.writeUInt16LE(2, 2);
  validation.writeUInt32LE(crc32(block), 4);
  const area = Buffer.alloc(METADATA_AREA_BYTES);
  Buffer.concat([block, validation, encodeDatum(ENTRY_TYPE.property, VALUE_TYPE.aesCcmKey, encodeAesCcmPayload(wrapped))]).copy(area);
  return area;
}

function encodeBlock(m: FveMetadata): Buffer {
  const entries = Buffer.concat([
    encodeDatum(ENTRY_TYPE.vmk, VALUE_TYPE.vmk, encodeVmk(m.vmk)),
    encodeDatum(ENTRY_TYPE.fvek, VALUE_TYPE.aesCcmKey, encodeAesCcmPayload(m.fvek)),
    encodeDatum(ENTRY_TYPE.description, VALUE_TYPE.unicode, Buffer.from(`${m.description}\0`, 'utf16le')),
    encodeDatum(ENTRY_TYPE.volumeHeaderBlock, VALUE_TYPE.offsetAndSize, u64Pair(m.volumeHeaderBlock.offset, m.volumeHeaderBlock.size)),
  ]);
  const metadataSize = METADATA_HEADER_BYTES + entries.length;
  // The block header counts 16-byte units; the validation block follows right after them.
  const blockBytes = Math.ceil((BLOCK_HEADER_BYTES + metadataSize) / 16) * 16;
  if (blockBytes + VALIDATION_BYTES > METADATA_AREA_BYTES) throw new RangeError('The FVE metadata does not fit its 64 KiB area.');
  const block = Buffer.alloc(blockBytes);
  FVE_SIGNATURE.copy(block, 0);
  block.writeUInt16LE(blockBytes / 16, 8);
  block.writeUInt16LE(2, 10);
  block.writeUInt16LE(m.currentState, 12);
  block.writeUInt16LE(m.nextState, 14);
  block.writeBigUInt64LE(BigInt(m.encryptedVolumeBytes), 16);
  block.writeUInt32LE(0, 24); // size of a region being converted; 0 as nothing is mid-sector
  block.writeUInt32LE(m.volumeHeaderSectors, 28);
  m.metadataOffsets.forEach((offset, i) => block.writeBigUInt64LE(BigInt(offset), 32 + i * 8));
  block.writeBigUInt64LE(BigInt(m.volumeHeaderOffset), 56);
  const h = BLOCK_HEADER_BYTES;
  block.writeUInt32LE(metadataSize, h);
  block.writeUInt32LE(1, h + 4);
  block.writeUInt32LE(METADATA_HEADER_BYTES, h + 8);
  block.writeUInt32LE(metadataSize, h + 12);
  m.volumeGuid.copy(block, h + 16);
  block.writeUInt32LE(m.nextNonce, h + 32);
  block.writeUInt16LE(m.method, h + 36);
  block.writeBigUInt64LE(m.createdFiletime, h + 40);
  entries.copy(block, h + METADATA_HEADER_BYTES);
  return block;
}

function encodeVmk(v: VmkEntry): Buffer {
  const head = Buffer.alloc(28);
  v.guid.copy(head, 0);
  head.writeBigUInt64LE(v.modifiedFiletime, 16);
  head.writeUInt16LE(0, 24);
  head.writeUInt16LE(v.protection, 26);
  const stretch = Buffer.alloc(20);
  stretch.writeUInt32LE(STRETCH_KEY_METHOD, 0);
  v.salt.copy(stretch, 4);
  return Buffer.concat([
    head,
    encodeDatum(ENTRY_TYPE.property, VALUE_TYPE.stretchKey, stretch),
    encodeDatum(ENTRY_TYPE.property, VALUE_TYPE.aesCcmKey, encodeAesCcmPayload(v.wrapped)),
  ]);
}

function u64Pair(a: number, b: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(BigInt(a), 0);
  out.writeBigUInt64LE(BigInt(b), 8);
  return out;
}

/** A metadata area read back: the parsed block, whether its CRC-32 matches, and its sealed hash. */
export interface ParsedMetadataArea {
  metadata: FveMetadata;
  /** The bytes covered by the CRC-32 and the SHA-256 (block header through padding). */
  block: Buffer;
  crcMatches: boolean;
  validation: WrappedKey;
}

/** Parses one 64 KiB metadata area; throws RangeError with the reason when it is not one. */
export function parseMetadataArea(area: Buffer): ParsedMetadataArea {
  if (!area.subarray(0, 8).equals(FVE_SIGNATURE)) throw new RangeError('no -FVE-FS- signature');
  if (area.readUInt16LE(10) !== 2) throw new RangeError(`metadata block version ${area.readUInt16LE(10)} is not supported (only Windows 7+ version 2)`);
  const blockBytes = area.readUInt16LE(8) * 16;
  if (blockBytes < BLOCK_HEADER_BYTES + METADATA_HEADER_BYTES || blockBytes + VALIDATION_BYTES > area.length) throw new RangeError('impossible metadata block size');
  const block = area.subarray(0, blockBytes);
  const h = BLOCK_HEADER_BYTES;
  const metadataSize = block.readUInt32LE(h);
  if (block.readUInt32LE(h + 4) !== 1 || metadataSize < METADATA_HEADER_BYTES || h + metadataSize > blockBytes) throw new RangeError('bad metadata header');
  const validationHeader = area.subarray(blockBytes, blockBytes + VALIDATION_HEADER_BYTES);
  const [validationDatum] = decodeDatums(area.subarray(blockBytes + VALIDATION_HEADER_BYTES, blockBytes + VALIDATION_BYTES));
  if (validationHeader.readUInt16LE(0) < VALIDATION_BYTES || !validationDatum || validationDatum.valueType !== VALUE_TYPE.aesCcmKey) {
    throw new RangeError('no validation block after the metadata');
  }
  const entries = decodeDatums(block.subarray(h + METADATA_HEADER_BYTES, h + metadataSize));
  const vmkDatum = entries.find((d) => d.entryType === ENTRY_TYPE.vmk && d.valueType === VALUE_TYPE.vmk);
  const fvekDatum = entries.find((d) => d.entryType === ENTRY_TYPE.fvek && d.valueType === VALUE_TYPE.aesCcmKey);
  const headerDatum = entries.find((d) => d.entryType === ENTRY_TYPE.volumeHeaderBlock);
  const descriptionDatum = entries.find((d) => d.entryType === ENTRY_TYPE.description && d.valueType === VALUE_TYPE.unicode);
  if (!vmkDatum || !fvekDatum) throw new RangeError('no VMK or FVEK entry');
  const num = (offset: number) => Number(block.readBigUInt64LE(offset));
  return {
    block,
    crcMatches: crc32(block) === validationHeader.readUInt32LE(4),
    validation: decodeAesCcmPayload(validationDatum.payload),
    metadata: {
      currentState: block.readUInt16LE(12),
      nextState: block.readUInt16LE(14),
      encryptedVolumeBytes: num(16),
      volumeHeaderSectors: block.readUInt32LE(28),
      metadataOffsets: [num(32), num(40), num(48)],
      volumeHeaderOffset: num(56),
      volumeGuid: Buffer.from(block.subarray(h + 16, h + 32)),
      nextNonce: block.readUInt32LE(h + 32),
      method: block.readUInt16LE(h + 36),
      createdFiletime: block.readBigUInt64LE(h + 40),
      description: descriptionDatum ? descriptionDatum.payload.toString('utf16le').replace(/\0+$/, '') : '',
      vmk: decodeVmk(vmkDatum),
      fvek: decodeAesCcmPayload(fvekDatum.payload),
      volumeHeaderBlock: headerDatum ? { offset: Number(headerDatum.payload.readBigUInt64LE(0)), size: Number(headerDatum.payload.readBigUInt64LE(8)) } : { offset: 0, size: 0 },
    },
  };
}

function decodeVmk(datum: Datum): VmkEntry {
  const p = datum.payload;
  if (p.length < 28) throw new RangeError('VMK entry too short');
  const properties = decodeDatums(p.subarray(28));
  const stretch = properties.find((d) => d.valueType === VALUE_TYPE.stretchKey);
  const wrapped = properties.find((d) => d.valueType === VALUE_TYPE.aesCcmKey);
  if (!stretch || stretch.payload.length < 20 || !wrapped) throw new RangeError('VMK entry without a stretch key or an encrypted key');
  return {
    guid: Buffer.from(p.subarray(0, 16)),
    modifiedFiletime: p.readBigUInt64LE(16),
    protection: p.readUInt16LE(26),
    salt: Buffer.from(stretch.payload.subarray(4, 20)),
    wrapped: decodeAesCcmPayload(wrapped.payload),
  };
}

/** True when the area's sealed SHA-256 (unwrapped with the VMK) matches its block: nothing was altered. */
export function validationMatches(parsed: ParsedMetadataArea, vmk: Buffer): boolean {
  const plain = unwrapKey(vmk, parsed.validation);
  if (!plain) return false;
  try {
    const { method, key } = decodeKeyDatum(plain);
    return method === VALIDATION_HASH_METHOD && key.equals(hash('sha256', parsed.block, 'buffer'));
  } catch {
    return false;
  }
}
