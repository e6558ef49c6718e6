// A StreamImages client for throughput runs that only counts messages: a bare HTTP/2 stream
// that reads the gRPC length prefixes (1 flag byte + 4-byte big-endian length per message) and
// skips the bodies. On this machine's two cores the bench process shares the CPU with the
// server; grpc-js's client (message reassembly, per-message events, metadata and status
// handling) cost it about half a core at 6,000 messages/s, which the server then lacked.
// Flow control is HTTP/2's own with grpc-js's default windows, so the server sees the same
// backpressure as from a real client.
import { connect, constants } from 'node:http2';
import { StreamImagesRequest } from '@daqdata/core';

export interface StreamCounter {
  /** Complete messages received so far. */
  readonly count: number;
  stop(): void;
  done: Promise<void>;
}

/** Counts complete gRPC messages in a byte stream delivered in arbitrary chunks. */
export class GrpcMessageCounter {
  count = 0;
  /** Prefix bytes still expected (0 while inside a body). */
  private prefixLeft = 5;
  private readonly prefix = Buffer.alloc(5);
  private bodyLeft = 0;

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.prefixLeft > 0) {
        const n = Math.min(this.prefixLeft, chunk.length - pos);
        chunk.copy(this.prefix, 5 - this.prefixLeft, pos, pos + n);
        pos += n;
        this.prefixLeft -= n;
        if (this.prefixLeft === 0) {
          this.bodyLeft = this.prefix.readUInt32BE(1);
          if (this.bodyLeft === 0) this.complete();
        }
      } else {
        const n = Math.min(this.bodyLeft, chunk.length - pos);
        pos += n;
        this.bodyLeft -= n;
        if (this.bodyLeft === 0) this.complete();
      }
    }
  }

  private complete(): void {
    this.count++;
    this.prefixLeft = 5;
  }
}

export function countStreamImages(port: number, request: Partial<StreamImagesRequest>): StreamCounter {
  const session = connect(`http://127.0.0.1:${port}`, { maxSessionMemory: Number.MAX_SAFE_INTEGER });
  session.on('error', () => undefined); // ends the run like a cancel; `done` resolves on close
  const stream = session.request({
    ':method': 'POST',
    ':path': '/daqdata.DaqData/StreamImages',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const body = StreamImagesRequest.encode(StreamImagesRequest.fromPartial(request)).finish();
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  stream.end(Buffer.concat([prefix, body]));
  const counter = new GrpcMessageCounter();
  stream.on('data', (chunk: Buffer) => counter.push(chunk));
  stream.on('error', () => undefined);
  const done = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  return {
    get count() {
      return counter.count;
    },
    stop() {
      stream.close(constants.NGHTTP2_CANCEL);
      session.close();
    },
    done,
  };
}
