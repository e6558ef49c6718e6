// Which DAQ nodes a client talks to: from daq_config.json (+ network_config.json for nodes
// reached through a gateway), given as paths or already-parsed objects, or from a plain list
// of addresses. Validation follows what users of the reference client know: a missing file
// names its absolute path; an empty node list, a node without ip_addr or bad port forwarding
// names the node (index and ip_addr) and the key.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClientConfigError } from './client-config-error.js';
import { parseNodeAddress, withHost, type NodeAddress } from './node-address.js';

export interface DaqNodeConfig {
  ip_addr: string;
  data_dir?: string;
  [key: string]: unknown;
}

export interface DaqConfig {
  daq_nodes: DaqNodeConfig[];
  [key: string]: unknown;
}

export interface PortForwarding {
  status: boolean;
  gw_ip?: string;
  [key: string]: unknown;
}

export interface NetworkConfig {
  daq_nodes: Array<{ ip_addr: string; port_forwarding?: PortForwarding; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** One DAQ node the client knows. */
export interface DaqNode {
  /** Canonical address, the node's name everywhere in the SDK ('host:port' or 'unix:/path'). */
  readonly name: string;
  readonly address: NodeAddress;
  /** ip_addr as written in daq_config (before port forwarding), or the address given. */
  readonly configuredAddress: string;
  /** The node's data_dir from daq_config, used by initHpIo. */
  readonly dataDir: string | undefined;
  /** The node's daq_config entry, as given. */
  readonly config: Readonly<Record<string, unknown>> | undefined;
}

/** Reads a JSON config file; a missing file is reported with its absolute path. */
export function readJsonConfig(path: string, what: string): unknown {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file does not exist' : `cannot be read (${code ?? String(err)})`;
    throw new ClientConfigError(abs, what, reason);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ClientConfigError(abs, what, `is not valid JSON (${(err as Error).message})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeNode(index: number, node: unknown): string {
  const ip = isObject(node) && typeof node.ip_addr === 'string' ? ` (ip_addr ${node.ip_addr})` : '';
  return `daq_nodes[${index}]${ip}`;
}

function nodeList(config: unknown, source: string): unknown[] {
  if (!isObject(config)) throw new ClientConfigError(source, 'daq_nodes', 'config is not a JSON object');
  const nodes = config.daq_nodes;
  if (nodes === undefined || nodes === null) throw new ClientConfigError(source, 'daq_nodes', 'is missing');
  if (!Array.isArray(nodes)) throw new ClientConfigError(source, 'daq_nodes', 'is not a list');
  if (nodes.length === 0) throw new ClientConfigError(source, 'daq_nodes', 'is empty: no DAQ nodes configured');
  return nodes;
}

function nodeIpAddr(node: unknown, index: number, source: string): string {
  if (!isObject(node)) throw new ClientConfigError(source, `daq_nodes[${index}]`, 'is not a JSON object');
  const ip = node.ip_addr;
  if (ip === undefined) throw new ClientConfigError(source, `${describeNode(index, node)}.ip_addr`, 'is missing');
  if (typeof ip !== 'string' || ip.trim().length === 0) {
    throw new ClientConfigError(source, `${describeNode(index, node)}.ip_addr`, `must be a non-empty string, got ${JSON.stringify(ip)}`);
  }
  return ip;
}

/** ip_addr -> gateway host for every network_config node whose port forwarding is on. */
function gatewayHosts(network: unknown, source: string): Map<string, string> {
  const gateways = new Map<string, string>();
  nodeList(network, source).forEach((node, i) => {
    const ip = nodeIpAddr(node, i, source);
    const pf = (node as Record<string, unknown>).port_forwarding;
    const where = `${describeNode(i, node)}.port_forwarding`;
    if (pf === undefined) return;
    if (!isObject(pf)) throw new ClientConfigError(source, where, 'must be an object');
    if (typeof pf.status !== 'boolean') throw new ClientConfigError(source, `${where}.status`, `must be true or false, got ${JSON.stringify(pf.status)}`);
    if (!pf.status) return;
    if (typeof pf.gw_ip !== 'string' || pf.gw_ip.trim().length === 0) {
      throw new ClientConfigError(source, `${where}.gw_ip`, `must be a non-empty string when status is true, got ${JSON.stringify(pf.gw_ip)}`);
    }
    gateways.set(ip.trim(), pf.gw_ip.trim());
  });
  return gateways;
}

function load(config: string | object, what: string): { value: unknown; source: string } {
  return typeof config === 'string' ? { value: readJsonConfig(config, what), source: resolve(config) } : { value: config, source: what };
}

/** The nodes of a daq_config (path or object), with network_config's port forwarding applied. */
export function nodesFromDaqConfig(daqConfig: string | DaqConfig | object, networkConfig?: string | NetworkConfig | object | null): DaqNode[] {
  const daq = load(daqConfig, 'daq_config');
  const nodes = nodeList(daq.value, daq.source);
  let gateways = new Map<string, string>();
  let networkSource = 'network_config';
  if (networkConfig !== undefined && networkConfig !== null) {
    const network = load(networkConfig, 'network_config');
    networkSource = network.source;
    gateways = gatewayHosts(network.value, network.source);
  }
  const result = nodes.map((node, i): DaqNode => {
    const ip = nodeIpAddr(node, i, daq.source);
    const entry = node as Record<string, unknown>;
    const parsed = parseNodeAddress(ip);
    if ('problem' in parsed) throw new ClientConfigError(daq.source, `${describeNode(i, node)}.ip_addr`, parsed.problem);
    let address = parsed;
    const gw = gateways.get(ip.trim());
    if (gw !== undefined) {
      const forwarded = withHost(parsed, gw);
      if ('problem' in forwarded) throw new ClientConfigError(networkSource, `${describeNode(i, node)}.port_forwarding.gw_ip`, forwarded.problem);
      address = forwarded;
    }
    const dataDir = entry.data_dir;
    if (dataDir !== undefined && typeof dataDir !== 'string') {
      throw new ClientConfigError(daq.source, `${describeNode(i, node)}.data_dir`, `must be a string, got ${JSON.stringify(dataDir)}`);
    }
    return { name: address.name, address, configuredAddress: ip, dataDir, config: entry };
  });
  rejectDuplicates(result, daq.source, 'daq_nodes');
  return result;
}

/** Nodes from plain addresses: 'host', 'host:port', 'unix:/path'. */
export function nodesFromAddresses(addresses: readonly string[]): DaqNode[] {
  if (addresses.length === 0) throw new ClientConfigError('addresses', 'addresses', 'is empty: no DAQ nodes given');
  const result = addresses.map((text, i): DaqNode => {
    if (typeof text !== 'string') throw new ClientConfigError('addresses', `addresses[${i}]`, `must be a string, got ${JSON.stringify(text)}`);
    const parsed = parseNodeAddress(text);
    if ('problem' in parsed) throw new ClientConfigError('addresses', `addresses[${i}]`, parsed.problem);
    return { name: parsed.name, address: parsed, configuredAddress: text, dataDir: undefined, config: undefined };
  });
  rejectDuplicates(result, 'addresses', 'addresses');
  return result;
}

function rejectDuplicates(nodes: readonly DaqNode[], source: string, list: string): void {
  const seen = new Map<string, number>();
  nodes.forEach((n, i) => {
    const first = seen.get(n.name);
    if (first !== undefined) {
      throw new ClientConfigError(source, `${list}[${i}] (${n.configuredAddress})`, `resolves to ${n.name}, the same node as ${list}[${first}]`);
    }
    seen.set(n.name, i);
  });
}
