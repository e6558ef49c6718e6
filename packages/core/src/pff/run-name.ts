// The run an image belongs to, as a viewer labels it: the start time a recorder file name
// carries. Browser-safe (no path module): file names reach the dashboard as plain strings.

/** Run name from a recorder file name: the start time it carries (start_2025-08-02T05_31_36Z...), else the file's base name. */
export function runOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return /^start_([^.]+)/.exec(base)?.[1] ?? base;
}
