/**
 * Exclusion rules of the wizard's first step: glob patterns (`*.tmp`, `**\/node_modules`,
 * `/home/op/cache/**`) and file types (`.iso`). Paths are compared with forward slashes; Windows
 * paths (drive letters, backslashes) compare case-insensitively, as their file systems do.
 */
export interface ExclusionRules {
  patterns: string[];
  fileTypes: string[];
}

export interface CompiledExclusions {
  /** The rule that excludes `path`, or null when it is backed up. */
  match(path: string): string | null;
}

/** Why a pattern or file type can't be used, or null. */
export function exclusionProblem(kind: 'pattern' | 'fileType', value: string): string | null {
  if (value.trim() === '') return `An empty ${kind === 'pattern' ? 'pattern' : 'file type'} excludes nothing.`;
  if (value.length > 1024) return 'That is too long (at most 1024 characters).';
  if (kind === 'fileType' && !/^\.?[A-Za-z0-9_-]{1,32}$/.test(value)) return `"${value}" is not a file type: write it like .iso or iso.`;
  if (kind === 'pattern' && /\*{3,}/.test(value)) return `"${value}" has *** : use * (within a folder) or ** (across folders).`;
  return null;
}

function normalize(path: string): { text: string; caseless: boolean } {
  const windows = /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\') || path.includes('\\');
  const slashed = path.replace(/\\/g, '/');
  return { text: windows ? slashed.toLowerCase() : slashed, caseless: windows };
}

function globToRegExp(pattern: string, caseless: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches any number of folders (including none); a trailing `**` everything below.
        const slash = pattern[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a name at any depth, like .gitignore's rules.
  const anchored = pattern.includes('/') ? `^${source}` : `(?:^|/)${source}`;
  return new RegExp(`${anchored}(?:/.*)?$`, caseless ? 'i' : '');
}

export function compileExclusions(rules: ExclusionRules): CompiledExclusions {
  const compiled = rules.patterns.map((pattern) => {
    const { text, caseless } = normalize(pattern);
    return { rule: pattern, regex: globToRegExp(text, caseless) };
  });
  const types = new Set(rules.fileTypes.map((t) => (t.startsWith('.') ? t : `.${t}`).toLowerCase()));
  return {
    match(path) {
      const { text } = normalize(path);
      for (const { rule, regex } of compiled) if (regex.test(text)) return rule;
      const name = text.slice(text.lastIndexOf('/') + 1);
      const dot = name.lastIndexOf('.');
      if (dot > 0 && types.has(name.slice(dot).toLowerCase())) return name.slice(dot).toLowerCase();
      return null;
    },
  };
}
