// The loop the live plots share: hold the terminal, fold each arriving item (an image, a ROI
// record) into the plot's state, redraw every refresh period, on resize and on a paging key, show host trouble on screen, and
// give the terminal back however the loop ends.
import type { ClientContext } from '../client-session.js';
import { runImageStream } from '../image-stream-run.js';
import { TerminalSession, type TerminalSize } from '../terminal/terminal-session.js';

export interface LiveScreenOptions<T> {
  /** Opens the stream (with endWhenAllGone false: a host coming back is shown, not fatal). */
  open(signal: AbortSignal): AsyncIterable<T>;
  refreshPeriodS: number;
  add(item: T, arrivalMs: number): void;
  render(size: TerminalSize, nowMs: number, status: readonly string[]): string[];
  /** A key other than quit; true when the screen should be redrawn at once (a page turned). */
  onKey?(chunk: string): boolean;
}

export async function runLiveScreen<T>(ctx: ClientContext, o: LiveScreenOptions<T>): Promise<void> {
  const session = new TerminalSession(process.stdout, process.stdin);
  const controller = new AbortController();
  const status = new Map<string, string>();
  const redraw = () => session.draw(o.render(session.size(), Date.now(), [...status.values()]));
  session.start({ onQuit: () => controller.abort(), onResize: redraw, onKey: (chunk) => o.onKey?.(chunk) && redraw() });
  const timer = setInterval(redraw, o.refreshPeriodS * 1000);
  try {
    redraw();
    await runImageStream(
      ctx,
      (signal) => o.open(signal),
      (item) => o.add(item, Date.now()),
      {
        controller,
        handleSignals: false,
        onEvent: (e) => {
          if (e.type === 'connected') status.delete(e.host);
          else if (e.type !== 'invalid-image') status.set(e.host, `host ${e.host} ${e.type} (${e.reason})`);
        },
      },
    );
  } finally {
    clearInterval(timer);
    session.restore();
  }
}
