// DAQ node addresses: `host`, `host:port`, `[v6]:port` or `unix:/path`. A node's name in the
// SDK is its canonical address (`host:port` or `unix:/path`), so two nodes behind one gateway
// on different ports stay distinct, and a user may still say just `host` for port 50051.

/** The port a DAQ node listens on when an address names none. */
export const DEFAULT_DAQ_PORT = 50051;

export interface NodeAddress {
  /** Canonical name: 'host:port', '[v6]:port' or 'unix:/path'. Also the grpc-js target. */
  readonly name: string;
  readonly kind: 'tcp' | 'unix';
  /** Hostname or IP (tcp), or socket path (unix). */
  readonly host: string;
  /** TCP port; undefined for unix sockets. */
  readonly port: number | undefined;
}

/** Parses an address, or returns why it is not one. */
export function parseNodeAddress(text: string): NodeAddress | { problem: string } {
  const s = text.trim();
  if (s.length === 0) return { problem: 'address is empty' };
  if (s.startsWith('unix:')) {
    // grpc-js accepts unix:relative and unix:/absolute (and unix:///absolute).
    const path = s.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) return { problem: `"${text}" names no socket path after "unix:"` };
    return { name: `unix:${path}`, kind: 'unix', host: path, port: undefined };
  }
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const colons = s.split(':').length - 1;
    if (colons === 0) host = s;
    else if (colons === 1) [host, portText] = s.split(':') as [string, string];
    else {
      // A bare IPv6 address has no port (use [v6]:port to give one).
      host = s;
    }
  }
  if (host.length === 0) return { problem: `"${text}" names no host` };
  if (/\s|\//.test(host)) return { problem: `"${text}": host "${host}" contains a space or '/'` };
  let port = DEFAULT_DAQ_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return { problem: `"${text}": port "${portText}" is not an integer 1-65535` };
    }
    port = Number(portText);
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { name: `${hostPart}:${port}`, kind: 'tcp', host, port };
}

/** The same address with its host replaced (port forwarding through a gateway keeps the port). */
export function withHost(address: NodeAddress, host: string): NodeAddress | { problem: string } {
  if (address.kind === 'unix') return { problem: `a unix socket address (${address.name}) cannot be port-forwarded` };
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return parseNodeAddress(`${hostPart}:${address.port}`);
}
