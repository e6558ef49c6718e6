// THE place where the gateway says how it streams from each DAQ node. Today a node's stream is
// latest-wins throttled (the SDK's only policy), so the events stream receives every
// pulse-height event the gateway is handed, not necessarily every event the node recorded.
// When the SDK's every-frame delivery lands (issue 13: streamImages({ delivery: 'every-frame' })),
// pulse-height is requested here with it, and the events stream then holds every event.
import type { StreamImagesOptions } from '@daqdata/client';

export function nodeStreamOptions(updateIntervalSeconds: number, signal: AbortSignal): StreamImagesOptions & { parse: false } {
  return {
    parse: false,
    movie: true,
    pulseHeight: true,
    updateIntervalSeconds,
    // A node that is down now is retried until the gateway stops: a gateway outlives its nodes.
    endWhenAllGone: false,
    signal,
  };
}
