// Upper bounds on the numbers a request carries. Every number from outside the node is bounded:
// an interval of 1e308 s would have overflowed the timers, and a million module ids would
// cost a set and a log line of that size for every call.
export const MAX_UPDATE_INTERVAL_SECONDS = 86_400;
export const MAX_MODULE_IDS = 1_024;

/** Why a StreamImages or InitHpIo request is out of bounds, naming the field and the bound; null if it is within them. */
export function requestBoundsProblem(request: { updateIntervalSeconds: number; moduleIds: readonly number[] }): string | null {
  if (request.updateIntervalSeconds > MAX_UPDATE_INTERVAL_SECONDS) {
    return `update_interval_seconds ${request.updateIntervalSeconds} is above the maximum of ${MAX_UPDATE_INTERVAL_SECONDS} s`;
  }
  if (request.moduleIds.length > MAX_MODULE_IDS) {
    return `module_ids has ${request.moduleIds.length} entries; at most ${MAX_MODULE_IDS} are allowed`;
  }
  return null;
}

/**
 * What a stream start (StreamImages, StreamRoiStats, a gateway's StreamImages) refuses of its
 * request's numbers, in the reference's order: the bounds, then a NaN interval. Null if none.
 */
export function streamRequestNumbersProblem(request: { updateIntervalSeconds: number; moduleIds: readonly number[] }): string | null {
  return requestBoundsProblem(request) ?? (Number.isNaN(request.updateIntervalSeconds) ? 'update_interval_seconds is NaN' : null);
}
