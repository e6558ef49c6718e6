// What `daq init` and `daq init-sim` print: one line per host; any failure is exit 5.
import type { InitHpIoResult } from '@daqdata/client';
import { CliError, EXIT } from '../exit-codes.js';

export function reportInitResult(result: InitHpIoResult, what: string): void {
  const failures: string[] = [];
  for (const [host, r] of Object.entries(result.hosts)) {
    if (r.success) process.stdout.write(`host ${host}: ${what} ok\n`);
    else failures.push(`host ${host}: ${what} failed (${r.errorMessage || 'no reason given'})`);
  }
  if (failures.length > 0) throw new CliError(failures.join('\n'), EXIT.rejected);
}
