// Turning what a caller says ("10.0.0.2", "10.0.0.2:50051", the ip_addr from daq_config, or
// nothing) into configured nodes. Unknown names are an error that lists the known ones.
import type { DaqNode } from './config/daq-config.js';
import { parseNodeAddress } from './config/node-address.js';

export class UnknownHostError extends Error {
  override readonly name = 'UnknownHostError';
  constructor(readonly host: string, readonly validHosts: readonly string[]) {
    super(`unknown DAQ host "${host}"; valid hosts: ${validHosts.join(', ')}`);
  }
}

export class NoResponsiveHostsError extends Error {
  override readonly name = 'NoResponsiveHostsError';
  constructor(readonly configuredHosts: readonly string[]) {
    super(`no DAQ host answered a ping; configured hosts: ${configuredHosts.join(', ')}`);
  }
}

/** The configured node a caller means by `text`, or undefined. */
export function findNode(nodes: readonly DaqNode[], text: string): DaqNode | undefined {
  const parsed = parseNodeAddress(text);
  const name = 'problem' in parsed ? undefined : parsed.name;
  return nodes.find((n) => n.name === text || n.name === name || n.configuredAddress === text);
}

/** The nodes named by `hosts` (one name or a list), in order, without repeats. */
export function selectNodes(nodes: readonly DaqNode[], hosts: string | readonly string[]): DaqNode[] {
  const wanted = typeof hosts === 'string' ? [hosts] : hosts;
  const selected: DaqNode[] = [];
  for (const h of wanted) {
    const node = findNode(nodes, h);
    if (!node) throw new UnknownHostError(h, nodes.map((n) => n.name));
    if (!selected.includes(node)) selected.push(node);
  }
  return selected;
}

/** True when the caller named no hosts: use every responsive one. */
export function meansAllHosts(hosts: string | readonly string[] | undefined): hosts is undefined {
  return hosts === undefined || (typeof hosts !== 'string' && hosts.length === 0);
}
