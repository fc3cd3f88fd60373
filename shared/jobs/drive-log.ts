import { explainResultCode, isKnownResultCode, type Explanation } from './job-model';

/**
 * Reading the copy logs the Import/Export service writes for each drive (`waies/{job}_{driveId}_
 * {timestamp}_{error|verbose}.xml` in the job's diagnostics container). Their root is `<DriveLog>`
 * with the drive's `<DriveId>`, its overall `<Status>` (a result code such as ManifestCorrupted) and a
 * `<Blob>` per imported file with a `Status` attribute, whose blocks, page ranges, metadata or
 * properties carry their own `Status` when they failed. The reader is tolerant: unknown elements are
 * kept in the text view, and the BitLocker key, if a log carries one, is masked.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** A small, forgiving XML reader (elements, attributes, text, CDATA); null when the text isn't XML. */
export function parseXml(xml: string): XmlElement | null {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  for (const match of xml.matchAll(TOKEN)) {
    const [whole, cdata, closing, name, attrs, selfClosing, text] = match;
    const top = stack[stack.length - 1] as XmlElement;
    if (cdata !== undefined) top.text += cdata;
    else if (text !== undefined) top.text += decode(text);
    else if (name !== undefined) {
      if (closing) {
        if (stack.length > 1 && top.name === name) stack.pop();
        continue;
      }
      const attributes: Record<string, string> = {};
      for (const a of (attrs ?? '').matchAll(ATTRIBUTE)) attributes[a[1] as string] = decode(a[2] ?? a[3] ?? '');
      const element: XmlElement = { name, attributes, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    } else if (whole.startsWith('<') && !whole.startsWith('<!--') && !whole.startsWith('<?') && !whole.startsWith('<!')) return null;
  }
  const element = root.children[0];
  return element ?? null;
}

const child = (e: XmlElement, name: string) => e.children.find((c) => c.name.toLowerCase() === name.toLowerCase());
const childText = (e: XmlElement, name: string) => child(e, name)?.text.trim() ?? null;

function* walk(e: XmlElement): Generator<XmlElement> {
  yield e;
  for (const c of e.children) yield* walk(c);
}

const OK_STATUSES = new Set(['completed', 'succeeded', 'success', 'ok']);

export interface DriveLogProblem {
  /** The blob (container/name) or, for drive-wide problems, null. */
  blobPath: string | null;
  filePath: string | null;
  status: string;
  explanation: string;
  /** Failed parts of the blob: "Block at offset 4194304 (4194304 bytes): Corrupted". */
  details: string[];
}

export interface ReadableDriveLog {
  driveId: string | null;
  /** The drive's overall result code, e.g. ManifestCorrupted; null when the log names none. */
  status: string | null;
  statusExplanation: Explanation | null;
  blobCount: number;
  blobsByStatus: Record<string, number>;
  problems: DriveLogProblem[];
  /** The log as text, the BitLocker key masked; what the screen shows under "Show the whole log". */
  text: string;
}

const MAX_PROBLEMS = 200;

/** Masks a BitLocker key or recovery password if a log echoes one. */
export function maskSecrets(xml: string): string {
  return xml
    .replace(/(<BitLockerKey[^>]*>)[^<]*(<\/BitLockerKey>)/gi, '$1••••••$2')
    .replace(/\b\d{6}(?:-\d{6}){7}\b/g, '••••••-••••••-••••••-••••••-••••••-••••••-••••••-••••••');
}

function describeStatus(status: string): string {
  if (isKnownResultCode(status)) return explainResultCode(status).meaning;
  const plain: Record<string, string> = {
    corrupted: 'the data on the drive does not match its hash in the manifest',
    missing: 'the file named in the manifest is not on the drive',
    renamed: 'the blob was imported under another name because of a conflict',
    overwritten: 'an existing blob was overwritten',
    skipped: 'the blob was skipped because one with that name exists',
    failed: 'the import of this part failed',
    invalidblobdata: 'the blob data is invalid',
    invalidblobname: 'the blob name is not valid in Azure Storage',
    invalidmetadata: 'the metadata file is not valid',
    invalidproperties: 'the properties file is not valid',
  };
  return plain[status.toLowerCase()] ?? `the service reported “${status}”`;
}

/** Turns a copy log into what the dashboard shows: the drive's result, counts, and each failed file. */
export function readDriveLog(xml: string): ReadableDriveLog {
  const text = maskSecrets(xml);
  const root = parseXml(xml);
  if (!root) return { driveId: null, status: null, statusExplanation: null, blobCount: 0, blobsByStatus: {}, problems: [], text };
  const status = childText(root, 'Status') ?? childText(root, 'DriveStatus') ?? root.attributes.Status ?? null;
  const blobs = [...walk(root)].filter((e) => e.name === 'Blob');
  const blobsByStatus: Record<string, number> = {};
  const problems: DriveLogProblem[] = [];
  for (const blob of blobs) {
    const blobStatus = blob.attributes.Status ?? childText(blob, 'Status') ?? 'Unknown';
    blobsByStatus[blobStatus] = (blobsByStatus[blobStatus] ?? 0) + 1;
    const details = [...walk(blob)]
      .filter((e) => e !== blob && e.attributes.Status && !OK_STATUSES.has(e.attributes.Status.toLowerCase()))
      .map((e) => {
        const { Status: partStatus, Offset: offset, Length: length } = e.attributes;
        const where = offset !== undefined ? ` at offset ${offset}${length !== undefined ? ` (${length} bytes)` : ''}` : '';
        return `${e.name}${where}: ${partStatus as string}`;
      });
    if (!OK_STATUSES.has(blobStatus.toLowerCase()) || details.length > 0) {
      if (problems.length < MAX_PROBLEMS) {
        problems.push({ blobPath: childText(blob, 'BlobPath'), filePath: childText(blob, 'FilePath'), status: blobStatus, explanation: describeStatus(blobStatus), details });
      }
    }
  }
  // Errors outside any blob (a drive-wide <Error> with a code and message), as some logs carry them.
  for (const e of walk(root)) {
    if (e.name !== 'Error' || problems.length >= MAX_PROBLEMS) continue;
    const code = childText(e, 'Code') ?? e.attributes.Code ?? 'Error';
    const message = childText(e, 'Message') ?? e.text.trim();
    problems.push({ blobPath: null, filePath: null, status: code, explanation: message || describeStatus(code), details: [] });
  }
  return {
    driveId: childText(root, 'DriveId'),
    status,
    statusExplanation: status ? explainResultCode(status) : null,
    blobCount: blobs.length,
    blobsByStatus,
    problems,
    text,
  };
}

export interface DriveLogName {
  jobName: string;
  driveId: string;
  /** As written in the name (e.g. 20261205T101500Z); null if the name has none. */
  timestamp: string | null;
  kind: 'error' | 'verbose';
}

/** Parses `waies/{job}_{driveId}_{timestamp}_{error|verbose}.xml` (job names have no underscore). */
export function parseDriveLogName(blobName: string): DriveLogName | null {
  const base = blobName.split('/').pop() ?? blobName;
  const m = /^([A-Za-z0-9-]+)_(.+)_([^_]+)_(error|verbose)\.xml$/i.exec(base);
  if (!m) return null;
  return { jobName: m[1] as string, driveId: m[2] as string, timestamp: m[3] as string, kind: (m[4] as string).toLowerCase() as 'error' | 'verbose' };
}
