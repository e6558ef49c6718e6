// Plain text cut or padded to an exact number of terminal columns: every line of a live view
// is exactly as wide as its slot, so what was drawn before never shows through.

/** Fit plain text to exactly width columns. */
export function fitText(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, width).join('') : text + ' '.repeat(width - chars.length);
}
