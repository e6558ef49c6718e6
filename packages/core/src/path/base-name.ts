// The last part of a '/'-separated path, as node:path's posix basename gives it (trailing
// slashes ignored), written here so file-name parsing needs no Node built-in and runs in a
// browser.

/** 'a/b/c.pff' -> 'c.pff', 'a/b/' -> 'b', 'c.pff' -> 'c.pff'. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
