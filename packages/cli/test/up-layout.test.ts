// Where `daq up` puts its nodes, and what daq_config says about it: every node its own address,
// and an ip_addr that both our SDK and the reference client (ip_addr + ":50051") reach it by.
import { parseNodeAddress } from '@daqdata/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeListenAddress, nodeProducts } from '../src/commands/up.js';

describe('daq up layout', () => {
  it('default: node i on 127.0.0.(2+i):50051, ip_addr the bare host, which both clients resolve to where it listens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 253 }), (nodes) => {
        const all = Array.from({ length: nodes }, (_, i) => nodeListenAddress(i, {}));
        expect(new Set(all.map((a) => a.host)).size).toBe(nodes);
        for (const [i, a] of all.entries()) {
          expect(a).toEqual({ host: `127.0.0.${2 + i}`, port: 50051, ipAddr: `127.0.0.${2 + i}` });
          expect(parseNodeAddress(a.ipAddr)).toMatchObject({ name: `${a.host}:${a.port}` });
          expect(parseNodeAddress(`${a.ipAddr}:50051`)).toMatchObject({ name: `${a.host}:${a.port}` });
        }
      }),
    );
  });

  it('--base-port P: every node on one host at P+i, ip_addr host:port', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_000 }), fc.integer({ min: 0, max: 500 }), fc.constantFrom(undefined, '127.0.0.1', '0.0.0.0'), (basePort, i, host) => {
        const a = nodeListenAddress(i, { basePort, host });
        expect(a).toEqual({ host: host ?? '127.0.0.1', port: basePort + i, ipAddr: `${host ?? '127.0.0.1'}:${basePort + i}` });
        expect(parseNodeAddress(a.ipAddr)).toMatchObject({ name: a.ipAddr });
      }),
    );
  });

  it('a node\'s products: one movie and one pulse-height product at most', () => {
    expect(nodeProducts(undefined)).toEqual({ movie: 'img16', pulseHeight: 'ph256' });
    expect(nodeProducts(['img8'])).toEqual({ movie: 'img8', pulseHeight: 'none' });
    expect(nodeProducts(['ph1024'])).toEqual({ movie: 'none', pulseHeight: 'ph1024' });
    expect(() => nodeProducts(['img16', 'img8'])).toThrow('products img16,img8: a node simulates at most one movie and one pulse-height product');
  });
});
