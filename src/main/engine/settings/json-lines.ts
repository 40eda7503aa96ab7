/**
 * Where a value sits in a JSON text: the line of each key path, so a settings
 * error can say "line 14" as well as "cameras.1.fps". A small scanner of its
 * own, run only after JSON.parse has accepted the text.
 */
export type JsonPath = readonly (string | number)[];

/** Line (1-based) of every value in the text, keyed by its path joined with '.'. */
export function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const skip = (): void => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      i++;
    }
  };
  const readString = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else out += text[i++];
    }
    i++; // closing quote
    return out;
  };
  const value = (path: string): void => {
    skip();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skip();
        const key = readString();
        const keyLine = line;
        skip();
        i++; // colon
        const child = path === '' ? key : `${path}.${key}`;
        value(child);
        // A key's line is where the key is written, not where its value starts.
        lines.set(child, keyLine);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // closing brace
        return;
      }
    }
    if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(path === '' ? String(n) : `${path}.${n}`);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++;
        return;
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
  };
  value('');
  return lines;
}

/** The line of a path, or of its nearest ancestor that is in the text (a missing key is reported at its parent). */
export function lineOf(lines: Map<string, number>, path: JsonPath): number | null {
  for (let n = path.length; n >= 0; n--) {
    const found = lines.get(path.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return null;
}
