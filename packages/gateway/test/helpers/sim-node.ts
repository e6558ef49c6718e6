// A real DAQ node process (the client tests' helper: the built server with the node simulator)
// simulating the given modules from now on, through the SDK's InitHpIo(simulate_daq).
import { setTimeout as delay } from 'node:timers/promises';
import { DaqClient } from '@daqdata/client';
import { startDaqNode, type DaqNodeProcess } from '../../../client/test/helpers/daq-node-process.js';

export type SimNode = DaqNodeProcess & { name: string; modules: readonly number[] };

export async function startSimNode(o: { name: string; modules: readonly number[]; port?: number }): Promise<SimNode> {
  const node = await startDaqNode({ name: o.name, simulate: true, ...(o.port === undefined ? {} : { port: o.port }) });
  const client = DaqClient.fromAddresses([node.address]);
  try {
    // A node restarted on a port this process was connected to: grpc-js shares one subchannel
    // per address across channels, and it may still be in its reconnect backoff. Retried,
    // bounded, with a pause between tries (there is no event for the subchannel's readiness).
    for (let attempt = 1; ; attempt++) {
      // force: a gateway may have reconnected to a restarted node before this call.
      const result = await client.initSim(node.address, { moduleIds: [...o.modules], updateIntervalSeconds: 0.01, force: true });
      if (result.success) break;
      const reason = JSON.stringify(result.hosts);
      if (!reason.includes('UNAVAILABLE') || attempt === 50) throw new Error(`InitHpIo(simulate_daq) on ${o.name}: ${reason}`);
      await delay(200);
    }
  } finally {
    await client.close();
  }
  return Object.assign(node, { name: o.name, modules: o.modules });
}
