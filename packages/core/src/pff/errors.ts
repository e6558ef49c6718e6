// Typed errors for malformed PFF data. Every error names the file, the byte offset where the
// problem starts and the reason, so a server can log it and carry on with the next frame.

export type PffErrorReason =
  | 'bad-type-code'
  | 'header-not-json'
  | 'header-too-long'
  | 'frame-size-mismatch'
  | 'unknown-data-product'
  | 'bad-file-name'
  | 'bad-header-fields'
  /** The file does not yet hold one complete first header (it is still being written). */
  | 'header-incomplete';

export class PffError extends Error {
  override readonly name = 'PffError';
  readonly file: string;
  readonly offset: number;
  readonly reason: PffErrorReason;
  /** The human explanation without the file/offset prefix. */
  readonly detail: string;

  constructor(reason: PffErrorReason, file: string, offset: number, detail: string) {
    super(`${file} @ byte ${offset}: ${detail}`);
    this.reason = reason;
    this.file = file;
    this.offset = offset;
    this.detail = detail;
  }
}

export function isPffError(e: unknown): e is PffError {
  return e instanceof PffError;
}
