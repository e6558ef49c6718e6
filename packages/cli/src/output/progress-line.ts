// Progress on stderr: rewritten in place on a terminal (at most 10 times a second), a line
// per second otherwise, and always a final line.

export class ProgressLine {
  #lastMs = -Infinity;
  #dirty = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(text: string): void {
    const now = performance.now();
    const tty = this.out.isTTY === true;
    if (now - this.#lastMs < (tty ? 100 : 1000)) return;
    this.#lastMs = now;
    this.out.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    this.#dirty = tty;
  }

  done(text: string): void {
    this.out.write(this.#dirty ? `\r${text}\x1b[K\n` : `${text}\n`);
    this.#dirty = false;
  }
}
