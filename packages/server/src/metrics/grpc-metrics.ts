// gRPC calls by method and status code: nice-grpc-prometheus's server middleware (the
// go-grpc-prometheus names: grpc_server_started_total, grpc_server_handled_total{grpc_code},
// grpc_server_handling_seconds, grpc_server_msg_{sent,received}_total), its metrics created in
// this node's registry rather than the package's global one, so two nodes in one process keep
// their own counts. Labels are the service's method paths and the 17 status codes: bounded.
// Beside it, InitHpIo by outcome: a call can succeed at the gRPC level and still report
// success=false (the previous configuration is kept), which the status code does not show.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ServerMiddleware } from 'nice-grpc';
import { labelNames, labelNamesWithCode, prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { DaqDataWireDefinition } from '../service/wire-definition.js';

/** go-grpc-prometheus's buckets: 1 ms, 4 ms, ... about an hour (a stream lasts as long as its client). */
const LATENCY_BUCKETS_SECONDS = Array.from({ length: 12 }, (_, i) => 0.001 * 4 ** i);

export function grpcMetricsMiddleware(registry: Registry): ServerMiddleware {
  const registers = [registry];
  return prometheusServerMiddleware({
    serverStartedMetric: new Counter({ registers, name: 'grpc_server_started_total', help: 'RPCs started on the server.', labelNames }),
    serverHandledMetric: new Counter({ registers, name: 'grpc_server_handled_total', help: 'RPCs completed on the server, by status code.', labelNames: labelNamesWithCode }),
    serverStreamMsgReceivedMetric: new Counter({ registers, name: 'grpc_server_msg_received_total', help: 'Stream messages received by the server.', labelNames }),
    serverStreamMsgSentMetric: new Counter({ registers, name: 'grpc_server_msg_sent_total', help: 'Stream messages sent by the server.', labelNames }),
    serverHandlingSecondsMetric: new Histogram({
      registers,
      name: 'grpc_server_handling_seconds',
      help: 'Time from the start of an RPC to its end, by status code.',
      labelNames: labelNamesWithCode,
      buckets: LATENCY_BUCKETS_SECONDS,
    }),
  });
}

export const INIT_HP_IO_OUTCOMES = ['success', 'failure', 'error'] as const;

/** Counts InitHpIo calls: success, failure (success=false, configuration kept), error (a gRPC status). */
export function initHpIoOutcomeMiddleware(registry: Registry): ServerMiddleware {
  const calls = new Counter({
    registers: [registry],
    name: 'daq_init_hp_io_calls_total',
    help: 'InitHpIo calls by outcome: success; failure (success=false, the previous configuration kept); error (ended with a gRPC status).',
    labelNames: ['outcome'],
  });
  for (const outcome of INIT_HP_IO_OUTCOMES) calls.inc({ outcome }, 0);
  const path = DaqDataWireDefinition.initHpIo.path;
  return async function* initHpIoOutcome(call, context) {
    if (call.method.path !== path) return yield* call.next(call.request, context);
    try {
      const response = yield* call.next(call.request, context);
      calls.inc({ outcome: (response as { success?: boolean }).success ? 'success' : 'failure' });
      return response;
    } catch (err) {
      calls.inc({ outcome: 'error' });
      throw err;
    }
  };
}
