// The loop both live plots share: hold the terminal, fold each arriving image into the
// plot's state, redraw every refresh period and on resize, show host trouble on screen, and
// give the terminal back however the loop ends.
import type { ParsedImage } from '@daqdata/core';
import type { ClientContext } from '../client-session.js';
import { runImageStream } from '../image-stream-run.js';
import { TerminalSession, type TerminalSize } from '../terminal/terminal-session.js';
import type { StreamImagesOptions } from '@daqdata/client';

export interface LiveScreenOptions {
  stream: Omit<StreamImagesOptions, 'signal' | 'parse'>;
  refreshPeriodS: number;
  add(image: ParsedImage, arrivalMs: number): void;
  render(size: TerminalSize, nowMs: number, status: readonly string[]): string[];
}

export async function runLiveScreen(ctx: ClientContext, o: LiveScreenOptions): Promise<void> {
  const session = new TerminalSession(process.stdout, process.stdin);
  const controller = new AbortController();
  const status = new Map<string, string>();
  const redraw = () => session.draw(o.render(session.size(), Date.now(), [...status.values()]));
  session.start({ onQuit: () => controller.abort(), onResize: redraw });
  const timer = setInterval(redraw, o.refreshPeriodS * 1000);
  try {
    redraw();
    await runImageStream(
      ctx,
      (signal) => ctx.client.streamImages({ ...o.stream, endWhenAllGone: false, signal }),
      (image) => o.add(image, Date.now()),
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
