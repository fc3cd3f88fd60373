/** An element of a parsed XML document: its attributes, child elements and text (concatenated). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A small, strict XML reader for the documents a drive carries (DriveManifest.xml): elements,
 * attributes, text, comments, CDATA and the five predefined entities plus character references.
 * A DOCTYPE is refused (a manifest has none, and entity expansion is how XML bombs work), as is
 * anything not well-formed.
 */
export function parseXml(source: string): XmlElement {
  let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (why: string): never => {
    const line = source.slice(0, at).split('\n').length;
    throw new XmlSyntaxError(`${why} (line ${line})`);
  };
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at] as string)) at += 1;
  };
  const expect = (token: string) => {
    if (!source.startsWith(token, at)) fail(`expected "${token}"`);
    at += token.length;
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(source);
    if (!m) return fail('expected a name');
    at += m[0].length;
    return m[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) return fail('an "&" that starts no entity');
      if (ref in ENTITIES) return ENTITIES[ref] as string;
      const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : ref.startsWith('#') ? Number.parseInt(ref.slice(1), 10) : Number.NaN;
      if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff) return fail(`unknown entity "&${ref};"`);
      return String.fromCodePoint(code);
    });
  // Comments and processing instructions between elements.
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end < 0) fail('unterminated comment');
        at = end + 3;
      } else if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at + 2);
        if (end < 0) fail('unterminated processing instruction');
        at = end + 2;
      } else if (source.startsWith('<!DOCTYPE', at)) {
        fail('a DOCTYPE is not allowed');
      } else return;
    }
  };
  const readElement = (): XmlElement => {
    expect('<');
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (source[at] === '>') {
        at += 1;
        break;
      }
      const attr = readName();
      skipSpace();
      expect('=');
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} needs a quoted value`);
      const end = source.indexOf(quote as string, at + 1);
      if (end < 0) fail(`unterminated value of ${attr}`);
      const raw = source.slice(at + 1, end);
      if (raw.includes('<')) fail(`"<" in the value of ${attr}`);
      if (attr in attributes) fail(`attribute ${attr} given twice`);
      attributes[attr] = decode(raw);
      at = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (at >= source.length) fail(`<${name}> is never closed`);
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        expect('>');
        return { name, attributes, children, text };
      }
      if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end < 0) fail('unterminated comment');
        at = end + 3;
      } else if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at + 9);
        if (end < 0) fail('unterminated CDATA section');
        text += source.slice(at + 9, end);
        at = end + 3;
      } else if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at + 2);
        if (end < 0) fail('unterminated processing instruction');
        at = end + 2;
      } else if (source[at] === '<') {
        children.push(readElement());
      } else {
        const end = source.indexOf('<', at);
        text += decode(source.slice(at, end < 0 ? source.length : end));
        at = end < 0 ? source.length : end;
      }
    }
  };

  skipMisc();
  if (source[at] !== '<') fail('no root element');
  const root = readElement();
  skipMisc();
  if (at < source.length) fail('content after the root element');
  return root;
}

/** The child elements of `parent` named `name`. */
export function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((c) => c.name === name);
}

/** Escapes text for an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
