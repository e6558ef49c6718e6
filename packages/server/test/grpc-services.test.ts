// Ping, gRPC server reflection with a real reflection client, the standard health service,
// the stream limit, and TLS.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { DaqDataDefinition } from '@daqdata/core';
import { ChannelCredentials, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition, HealthCheckResponse_ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';
import { ServerReflectionClient } from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_grpc_pb.js';
import { ServerReflectionRequest, type ServerReflectionResponse } from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js';
import { ServerReflectionV1AlphaService } from '../src/service/server-reflection.js';
import { describe, expect, it } from 'vitest';
import { ListenError } from '../src/server.js';
import { StreamRecorder, perTestNodes, startTestNode, streamsStarted, tempDir } from './helpers.js';
import { rm } from 'node:fs/promises';

const { cleanups, node } = perTestNodes();

describe('gRPC services', () => {
  it('answers Ping and the standard health check', async () => {
    const n = await node();
    expect(await n.client.ping({})).toEqual({});
    const health = createClient(HealthDefinition, n.channel);
    expect((await health.check({ service: '' })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: 'daqdata.DaqData' })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it('lists daqdata.DaqData and grpc.health.v1.Health through server reflection v1 and v1alpha, and serves their file descriptors', async () => {
    const n = await node();
    // v1alpha is v1's messages under another method path: the same client class, the path changed.
    const V1Alpha = grpc.makeGenericClientConstructor(ServerReflectionV1AlphaService as unknown as grpc.ServiceDefinition, 'ServerReflection');
    for (const Client of [ServerReflectionClient, V1Alpha] as Array<typeof ServerReflectionClient>) {
      const client = new Client(`127.0.0.1:${n.server.port}`, grpc.credentials.createInsecure());
      cleanups.push(async () => client.close());
      const ask = (fill: (r: ServerReflectionRequest) => void) =>
        new Promise<ServerReflectionResponse>((resolve, reject) => {
          const call = client.serverReflectionInfo();
          call.on('data', (r: ServerReflectionResponse) => (resolve(r), call.end()));
          call.on('error', reject);
          const req = new ServerReflectionRequest();
          fill(req);
          call.write(req);
        });
      const list = await ask((r) => r.setListServices(''));
      const services = list.getListServicesResponse()!.getServiceList().map((s) => s.getName());
      expect(services).toEqual(expect.arrayContaining(['daqdata.DaqData', 'grpc.health.v1.Health']));
      const file = await ask((r) => r.setFileContainingSymbol('daqdata.DaqData'));
      const protos = file.getFileDescriptorResponse()!.getFileDescriptorProtoList_asU8();
      expect(protos.length).toBeGreaterThan(0);
      expect(Buffer.from(protos[0]!).toString('latin1')).toContain('StreamImages');
      const health = await ask((r) => r.setFileContainingSymbol('grpc.health.v1.Health'));
      const healthFile = health.getFileDescriptorResponse()!.getFileDescriptorProtoList_asU8();
      expect(healthFile.length).toBe(1);
      const text = Buffer.from(healthFile[0]!).toString('latin1');
      for (const word of ['grpc/health/v1/health.proto', 'HealthCheckRequest', 'Watch', 'SERVICE_UNKNOWN']) expect(text).toContain(word);
    }
  });

  it('refuses streams beyond the configured limit (RESOURCE_EXHAUSTED)', async () => {
    const n = await node({ maxStreams: 1 });
    const first = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => first.cancel());
    await streamsStarted(n, 1);
    const second = new StreamRecorder(n.client, { streamMovieData: true });
    await second.done;
    expect((second.error as { code: number }).code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(first.ended).toBe(false);
  });

  it('refuses to start on a taken port with an error naming the address, and leaves the other node serving', async () => {
    const first = await node();
    const err = await startTestNode({ port: first.server.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).code).toBe('EADDRINUSE');
    expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${first.server.port}: the address is in use (another node or program holds it); choose another port or socket`);
    expect(await first.client.ping({})).toEqual({});
  });

  it('serves TLS when a certificate and key are configured', async () => {
    const dir = await tempDir('daq-tls-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const n = await node({ tlsCertFile: cert, tlsKeyFile: key });
    const channel = createChannel(`localhost:${n.server.port}`, ChannelCredentials.createSsl(readFileSync(cert)));
    cleanups.push(async () => channel.close());
    expect(await createClient(DaqDataDefinition, channel).ping({})).toEqual({});
    // A plaintext client cannot talk to the TLS listener: the call fails (an abort would mean it hung).
    const plain = await n.client.ping({}, { signal: AbortSignal.timeout(5000) }).catch((e: unknown) => e);
    expect((plain as { code: number }).code).toBe(Status.UNAVAILABLE);
  });
});
