// A real DAQ node process (the client tests' helper: the built server with the node simulator)
// simulating the given modules from now on, through the SDK's InitHpIo(simulate_daq).
import { DaqClient } from '@daqdata/client';
import { startDaqNode, type DaqNodeProcess } from '../../../client/test/helpers/daq-node-process.js';

export type SimNode = DaqNodeProcess & { name: string; modules: readonly number[] };

export async function startSimNode(o: { name: string; modules: readonly number[]; port?: number }): Promise<SimNode> {
  const node = await startDaqNode({ name: o.name, simulate: true, ...(o.port === undefined ? {} : { port: o.port }) });
  const client = DaqClient.fromAddresses([node.address]);
  try {
    const result = await client.initSim(node.address, { moduleIds: [...o.modules], updateIntervalSeconds: 0.01 });
    if (!result.success) throw new Error(`InitHpIo(simulate_daq) on ${o.name}: ${JSON.stringify(result.hosts)}`);
  } finally {
    await client.close();
  }
  return Object.assign(node, { name: o.name, modules: o.modules });
}
