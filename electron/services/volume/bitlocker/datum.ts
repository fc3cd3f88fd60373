import { type WrappedKey } from './aes-ccm-key';
import { ENTRY_TYPE, VALUE_TYPE } from './constants';

/**
 * FVE metadata entries ("datums"): u16 size (including this 8-byte header), u16 entry type,
 * u16 value type, u16 version, then the value. Properties nested in a VMK are datums too.
 */
export interface Datum {
  entryType: number;
  valueType: number;
  version: number;
  /** The value after the 8-byte header. */
  payload: Buffer;
}

export const DATUM_HEADER_BYTES = 8;

export function encodeDatum(entryType: number, valueType: number, payload: Buffer, version = 1): Buffer {
  const size = DATUM_HEADER_BYTES + payload.length;
  if (size > 0xffff) throw new RangeError('A metadata entry is at most 65535 bytes.');
  const header = Buffer.alloc(DATUM_HEADER_BYTES);
  header.writeUInt16LE(size, 0);
  header.writeUInt16LE(entryType, 2);
  header.writeUInt16LE(valueType, 4);
  header.writeUInt16LE(version, 6);
  return Buffer.concat([header, payload]);
}

/** Splits a run of datums; a zero size ends the run (padding), a size past the end is an error. */
export function decodeDatums(data: Buffer): Datum[] {
  const datums: Datum[] = [];
  let offset = 0;
  while (offset + DATUM_HEADER_BYTES <= data.length) {
    const size = data.readUInt16LE(offset);
    if (size === 0) break;
    if (size < DATUM_HEADER_BYTES || offset + size > data.length) throw new RangeError(`A metadata entry at byte ${offset} has an impossible size ${size}.`);
    datums.push({
      entryType: data.readUInt16LE(offset + 2),
      valueType: data.readUInt16LE(offset + 4),
      version: data.readUInt16LE(offset + 6),
      payload: data.subarray(offset + DATUM_HEADER_BYTES, offset + size),
    });
    offset += size;
  }
  return datums;
}

/** The plaintext inside an AES-CCM datum: a key datum {method u32, key bytes}. */
export function encodeKeyDatum(method: number, key: Buffer, entryType: number = ENTRY_TYPE.property): Buffer {
  const payload = Buffer.alloc(4 + key.length);
  payload.writeUInt32LE(method, 0);
  key.copy(payload, 4);
  return encodeDatum(entryType, VALUE_TYPE.key, payload);
}

export function decodeKeyDatum(data: Buffer): { method: number; key: Buffer } {
  const [datum] = decodeDatums(data);
  // cryptsetup's decrypt_key requires the inner size to match the ciphertext length exactly.
  if (!datum || datum.valueType !== VALUE_TYPE.key || data.readUInt16LE(0) !== data.length || datum.payload.length < 4) {
    throw new RangeError('The decrypted key is not a well-formed key entry.');
  }
  return { method: datum.payload.readUInt32LE(0), key: Buffer.from(datum.payload.subarray(4)) };
}

export function encodeAesCcmPayload(wrapped: WrappedKey): Buffer {
  return Buffer.concat([wrapped.nonce, wrapped.mac, wrapped.ciphertext]);
}

export function decodeAesCcmPayload(payload: Buffer): WrappedKey {
  if (payload.length < 28) throw new RangeError('An AES-CCM entry is too short.');
  return { nonce: Buffer.from(payload.subarray(0, 12)), mac: Buffer.from(payload.subarray(12, 28)), ciphertext: Buffer.from(payload.subarray(28)) };
}
