// One error type for every construction problem, so callers can tell "your configuration is
// wrong" (fix the file) from "a node is down" (an RPC error) without parsing messages.

export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';
  constructor(
    /** Where the problem is: a file path, 'daq_config', 'network_config' or 'addresses'. */
    readonly source: string,
    /** The offending key, e.g. 'daq_nodes[1].ip_addr'. */
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${source}: ${key}: ${reason}`);
  }
}
