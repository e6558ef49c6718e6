// A hostile client for the hostile-load bench, in its own process so that its CPU is not the
// bench's: one HTTP/2 connection opening StreamImages calls and resetting each at once, as
// fast as it can, for the given seconds, reconnecting when closed. Prints the number of
// streams and of connections it opened.
// Usage: node reset-flooder.js <port> <seconds>
import { connect, constants } from 'node:http2';
import { StreamImagesRequest } from '@daqdata/core';

const [port, seconds] = process.argv.slice(2).map(Number);
const body = StreamImagesRequest.encode(StreamImagesRequest.fromPartial({ streamMovieData: true })).finish();
const framed = Buffer.alloc(5 + body.length);
framed.writeUInt32BE(body.length, 1);
framed.set(body, 5);

let opened = 0;
let connections = 0;
const until = Date.now() + seconds! * 1000;

/** One connection, flooding until the time is up or the server closes it. */
async function floodOneConnection(): Promise<void> {
  const session = connect(`http://127.0.0.1:${port}`);
  connections++;
  session.on('error', () => undefined);
  const closed = new Promise((r) => session.once('close', r));
  await Promise.race([new Promise((r) => session.once('remoteSettings', r)), closed]);
  while (Date.now() < until && !session.destroyed && !session.closed) {
    for (let i = 0; i < 50 && !session.destroyed && !session.closed; i++) {
      const s = session.request({ ':method': 'POST', ':path': '/daqdata.DaqData/StreamImages', 'content-type': 'application/grpc', te: 'trailers' });
      s.on('error', () => undefined);
      s.end(framed);
      s.close(constants.NGHTTP2_CANCEL);
      opened++;
    }
    await new Promise((r) => setImmediate(r));
  }
  session.destroy();
}

// Like an attacker, reconnect whenever the server closes the connection.
while (Date.now() < until) await floodOneConnection();
process.stdout.write(`${opened} ${connections}\n`);
