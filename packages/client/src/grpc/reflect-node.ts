// What a node says about itself through gRPC server reflection: its services, and the
// signatures of the DaqData methods. Tries grpc.reflection.v1, then v1alpha.
import { ClientError, Status } from 'nice-grpc';
import { decodeFileDescriptor, type ReflectionRequest, type ReflectionResponse } from './server-reflection.js';
import type { NodeConnection } from './node-connection.js';

export const DAQ_DATA_SERVICE = 'daqdata.DaqData';

export interface ReflectedMethod {
  name: string;
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
}

export interface HostReflection {
  host: string;
  services: string[];
  /** DaqData's methods as the node describes them; empty when the node does not offer DaqData. */
  daqDataMethods: ReflectedMethod[];
}

async function ask(conn: NodeConnection, version: 'v1' | 'v1alpha', signal: AbortSignal): Promise<ReflectionResponse[]> {
  const client = version === 'v1' ? conn.reflectionV1 : conn.reflectionV1Alpha;
  const requests: ReflectionRequest[] = [{ listServices: '' }, { fileContainingSymbol: DAQ_DATA_SERVICE }];
  const responses: ReflectionResponse[] = [];
  // The server answers requests in order; sending both at once saves a round trip.
  for await (const r of client.serverReflectionInfo(
    (async function* () {
      yield* requests;
    })(),
    { signal },
  )) {
    responses.push(r);
    if (responses.length === requests.length) break;
  }
  return responses;
}

function methodsOf(files: Uint8Array[]): ReflectedMethod[] {
  for (const bytes of files) {
    const file = decodeFileDescriptor(bytes);
    const service = file.service.find((s) => `${file.package}.${s.name}` === DAQ_DATA_SERVICE);
    if (!service) continue;
    const short = (t: string) => t.replace(/^\./, '');
    return service.method.map((m) => ({
      name: m.name,
      requestType: short(m.inputType),
      responseType: short(m.outputType),
      clientStreaming: m.clientStreaming,
      serverStreaming: m.serverStreaming,
    }));
  }
  return [];
}

export async function reflectNode(conn: NodeConnection, signal: AbortSignal): Promise<HostReflection> {
  let responses: ReflectionResponse[];
  try {
    responses = await ask(conn, 'v1', signal);
  } catch (err) {
    if (!(err instanceof ClientError && err.code === Status.UNIMPLEMENTED)) throw err;
    responses = await ask(conn, 'v1alpha', signal);
  }
  const [list, file] = responses;
  const services = list?.kind === 'services' ? list.services : [];
  const daqDataMethods = file?.kind === 'files' ? methodsOf(file.files) : [];
  return { host: conn.node.name, services, daqDataMethods };
}

/** The reflection as text, one `rpc Name(stream Req) returns (Res)` per line, like the reference client prints. */
export function formatReflection(r: HostReflection): string {
  const lines = [`${r.host}: services ${r.services.join(', ') || '(none)'}`];
  for (const m of r.daqDataMethods) {
    lines.push(`  rpc ${m.name}(${m.clientStreaming ? 'stream ' : ''}${m.requestType}) returns (${m.serverStreaming ? 'stream ' : ''}${m.responseType})`);
  }
  return lines.join('\n');
}
