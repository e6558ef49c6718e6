// Marks built entry points executable: npm links a workspace's `bin` at install time, before the
// build has written the file, so the link's target would otherwise lack the executable bit.
import { chmodSync } from 'node:fs';

for (const file of process.argv.slice(2)) chmodSync(file, 0o755);
