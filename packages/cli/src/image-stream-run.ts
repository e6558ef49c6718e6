// The loop shared by stream, record and the live plots: consume the SDK's image stream until
// a count, a duration, Ctrl-C / SIGTERM or the consumer says stop; report host events on
// stderr; and turn "every host went away" into an unreachable error instead of a silent end.
import type { FrameGapEvent, StreamEvent } from '@daqdata/client';
import type { ClientContext } from './client-session.js';
import { CliError, EXIT } from './exit-codes.js';
import type { Logger } from './log.js';

export interface StreamRunOptions {
  /** Stop after this many items. */
  count?: number | undefined;
  /** Stop after this many seconds. */
  durationS?: number | undefined;
  /** Abort it to stop; created when absent. */
  controller?: AbortController;
  /** SIGINT / SIGTERM stop the run (default true; live views handle keys themselves). */
  handleSignals?: boolean;
  /** Called on every host event (live views show them on screen). */
  onEvent?: (event: StreamEvent) => void;
}

export function logStreamEvent(log: Logger, e: StreamEvent): void {
  switch (e.type) {
    case 'connected':
      log.info(`host ${e.host} connected`);
      break;
    case 'disconnected':
      log.warn(`host ${e.host} disconnected (${e.reason})`);
      break;
    case 'reconnecting':
      log.info(`host ${e.host}: reconnect attempt ${e.attempt} in ${e.delayMs} ms (${e.reason})`);
      break;
    case 'gone':
      log.warn(`host ${e.host} gone (${e.reason})`);
      break;
    case 'invalid-image':
      log.warn(`host ${e.host} sent an invalid image, skipped (${e.reason})`);
      break;
    case 'gap':
      log.warn(`host ${e.host}: ${describeGap(e)}`);
      break;
  }
}

/** A frame gap of an every-frame stream in words: how many, which, why. */
export function describeGap(g: FrameGapEvent): string {
  const count = g.count === null ? 'an unknown number of' : String(g.count);
  const where =
    g.firstMissingSequence !== undefined
      ? ` from sequence ${g.firstMissingSequence}`
      : g.moduleId !== undefined
        ? ` of module ${g.moduleId} ${g.kind ?? ''}${g.firstMissingFrame != null ? ` from frame ${g.firstMissingFrame} of ${g.file}` : ` (now in ${g.file})`}`
        : '';
  const why = { 'ring-overrun': 'the node no longer held them (this client was too slow)', 're-init': 'the node was re-initialised', 'node-restart': 'the node restarted' }[g.reason];
  return `${count} frame(s)${where} not delivered: ${why}`;
}

/** Runs the loop; resolves with the number of items consumed. */
export async function runImageStream<T>(
  ctx: Pick<ClientContext, 'client' | 'log'>,
  open: (signal: AbortSignal) => AsyncIterable<T>,
  each: (item: T) => Promise<boolean | void> | boolean | void,
  o: StreamRunOptions = {},
): Promise<number> {
  const controller = o.controller ?? new AbortController();
  const stop = () => controller.abort();
  const gone = new Map<string, string>();
  const unsubscribe = ctx.client.onStatus((e) => {
    if (e.type === 'gone') gone.set(e.host, e.reason);
    logStreamEvent(ctx.log, e);
    o.onEvent?.(e);
  });
  if (o.handleSignals ?? true) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const timer = o.durationS !== undefined ? setTimeout(stop, o.durationS * 1000) : undefined;
  let n = 0;
  let finished = false;
  try {
    for await (const item of open(controller.signal)) {
      n++;
      if ((await each(item)) === false || (o.count !== undefined && n >= o.count)) {
        finished = true;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    unsubscribe();
  }
  if (!finished && !controller.signal.aborted) {
    const reasons = [...gone].map(([host, reason]) => `host ${host} unreachable (${reason})`);
    throw new CliError(`the image stream ended: ${reasons.length ? reasons.join('; ') : 'every host closed it'}`, EXIT.unreachable);
  }
  return n;
}
