// What the node reads straight from the recorder, as configured (recorderSockets, statusPipe):
// started with the node and stopped at shutdown. Either may be off; both run beside the file
// watcher, and socket frames go to the same hub as file frames.
import type { BroadcastImage } from '../broadcast/broadcast-image.js';
import type { Clock } from '../broadcast/clock.js';
import type { ServerConfig } from '../config/server-config.js';
import type { Logger } from '../log/logger.js';
import { startRecorderSockets, type RecorderSockets } from './recorder-sockets.js';
import { startStatusPipeDrain, type StatusPipeDrain } from './status-pipe-drain.js';

export interface RecorderAcquisition {
  recorderSockets: RecorderSockets | null;
  statusPipe: StatusPipeDrain | null;
  close(): Promise<void>;
}

export async function startRecorderAcquisition(
  config: Pick<ServerConfig, 'recorderSockets' | 'statusPipe'>,
  log: Logger,
  clock: Clock,
  onImage: (image: BroadcastImage) => void,
): Promise<RecorderAcquisition> {
  const statusPipe = config.statusPipe ? await startStatusPipeDrain(config.statusPipe, log) : null;
  let recorderSockets: RecorderSockets | null = null;
  try {
    if (config.recorderSockets) recorderSockets = await startRecorderSockets({ ...config.recorderSockets, log, clock, onImage });
  } catch (err) {
    await statusPipe?.close();
    throw err;
  }
  return {
    recorderSockets,
    statusPipe,
    async close() {
      await Promise.all([recorderSockets?.close(), statusPipe?.close()]);
    },
  };
}
