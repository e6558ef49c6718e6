// Reading a systemd unit and its EnvironmentFile the way systemd does, for systemd-unit.test.ts:
// enough of systemd.syntax(7), systemd.exec(5) "EnvironmentFile=" and systemd.service(5)
// "Command lines" to run the unit's ExecStart line as systemd would.

/** `[Section] Key=value` lines: every value of each key, in order (keys like EnvironmentFile repeat). */
export function parseUnit(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`unit line without "=": ${line}`);
    const key = `${section}.${line.slice(0, eq).trim()}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return keys;
}

/** An EnvironmentFile: `KEY=value` lines, `#` comments, optional surrounding quotes. */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`environment file line is not KEY=value: ${line}`);
    const value = m[2]!.trim();
    env[m[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return env;
}

/**
 * An ExecStart line as argv: split into words, then `${VAR}` replaced inside its word (one
 * argument), and a word that is exactly `$VAR` replaced by the value split on white space (no
 * argument when empty). An unset variable is an error here (systemd would expand it to nothing).
 */
export function expandExecStart(line: string, env: Readonly<Record<string, string>>): string[] {
  const value = (name: string): string => {
    const v = env[name];
    if (v === undefined) throw new Error(`ExecStart uses $${name}, which the environment file does not set`);
    return v;
  };
  if (/["'\\]/.test(line)) throw new Error('quotes and escapes in ExecStart are not handled here: keep the unit\'s line plain');
  return line
    .trim()
    .split(/\s+/)
    .flatMap((word) => {
      const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
      if (bare) return value(bare[1]!).split(/\s+/).filter((w) => w !== '');
      return [word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => value(name))];
    });
}

/** A systemd time span in seconds ("30", "30s", "1min 30s", "2m"). */
export function timeSpanSeconds(span: string): number {
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600 };
  let total = 0;
  for (const m of span.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)) {
    const unit = units[m[2]!];
    if (unit === undefined) throw new Error(`time span unit "${m[2]}" in "${span}"`);
    total += Number(m[1]) * unit;
  }
  return total;
}
