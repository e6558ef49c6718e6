// The live views' hold on the terminal: alternate screen, hidden cursor, raw keys, resize
// events, and a restore that always runs (quit key, Ctrl-C, SIGTERM, an error, or exit) so the
// user's shell is never left in raw mode or on the alternate screen.

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export interface SessionHandlers {
  /** 'q' or Ctrl-C in raw mode, or SIGINT / SIGTERM. */
  onQuit(): void;
  onResize(): void;
  /** Any other key chunk in raw mode (paging keys and the like). */
  onKey?(chunk: string): void;
}

/** True for the keys that quit a live view: q, Q, Ctrl-C. */
export function isQuitKey(chunk: string): boolean {
  return chunk === 'q' || chunk === 'Q' || chunk.includes('\x03');
}

/** The screen update for these lines: home, each line cleared to its end, the rest cleared. */
export function screenUpdate(lines: readonly string[], rows: number): string {
  return HOME + lines.slice(0, rows).map((l) => l + CLEAR_LINE_END).join('\r\n') + CLEAR_BELOW;
}

export class TerminalSession {
  #restored = false;
  #cleanups: Array<() => void> = [];
  readonly interactive: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly input: NodeJS.ReadStream,
  ) {
    this.interactive = out.isTTY === true;
  }

  size(): TerminalSize {
    return { columns: this.out.columns || 80, rows: this.out.rows || 24 };
  }

  start(handlers: SessionHandlers): void {
    const listen = <T extends unknown[]>(target: NodeJS.EventEmitter, event: string, fn: (...args: T) => void) => {
      target.on(event, fn as (...args: unknown[]) => void);
      this.#cleanups.push(() => target.off(event, fn as (...args: unknown[]) => void));
    };
    const quit = () => handlers.onQuit();
    listen(process, 'SIGINT', quit);
    listen(process, 'SIGTERM', quit);
    listen(process, 'exit', () => this.restore());
    if (this.interactive) {
      this.out.write(ENTER_ALT_SCREEN + HIDE_CURSOR);
      listen(this.out, 'resize', () => handlers.onResize());
      listen(process, 'SIGWINCH', () => handlers.onResize());
    }
    if (this.input.isTTY) {
      this.input.setRawMode(true);
      this.input.setEncoding('utf8');
      listen(this.input, 'data', (chunk: string) => {
        if (isQuitKey(chunk)) quit();
        else handlers.onKey?.(chunk);
      });
      this.input.resume();
    }
  }

  draw(lines: readonly string[]): void {
    if (this.#restored) return;
    if (this.interactive) this.out.write(screenUpdate(lines, this.size().rows));
    else this.out.write(lines.join('\n') + '\n\n');
  }

  /** Idempotent: raw mode off, cursor shown, main screen back, listeners removed. */
  restore(): void {
    if (this.#restored) return;
    this.#restored = true;
    for (const c of this.#cleanups.splice(0)) c();
    if (this.input.isTTY) {
      this.input.setRawMode(false);
      this.input.pause();
    }
    if (this.interactive) this.out.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  }
}
