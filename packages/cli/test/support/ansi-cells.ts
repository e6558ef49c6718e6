// Reads ANSI text back into cells (character + foreground + background SGR parameters), so a
// test can compare what a terminal would show with colours derived from the input pixels.

export interface AnsiCell {
  char: string;
  /** e.g. '38;2;68;1;84', '38;5;240', or '39' (default). */
  fg: string;
  bg: string;
}

function applySgr(params: string, state: { fg: string; bg: string }): void {
  const p = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < p.length; i++) {
    const code = p[i]!;
    if (code === '0') {
      state.fg = '39';
      state.bg = '49';
    } else if (code === '38' || code === '48') {
      const n = p[i + 1] === '2' ? 5 : 3;
      const value = p.slice(i, i + n).join(';');
      if (code === '38') state.fg = value;
      else state.bg = value;
      i += n - 1;
    } else if (code === '39') state.fg = '39';
    else if (code === '49') state.bg = '49';
  }
}

/** Cells of one line of ANSI text. */
export function ansiCells(line: string): AnsiCell[] {
  const state = { fg: '39', bg: '49' };
  const cells: AnsiCell[] = [];
  const re = /\x1b\[([0-9;]*)m|([^\x1b])/gsu;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) applySgr(m[1], state);
    else cells.push({ char: m[2]!, fg: state.fg, bg: state.bg });
  }
  return cells;
}

/** Text of a line without escape sequences. */
export function stripAnsi(line: string): string {
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
