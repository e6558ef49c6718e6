// The workspace packages a notebook may import: none of them loads the CLI, the server or the
// simulator (committed-notebooks.test.ts checks the notebooks and the dependencies,
// run-notebooks.test.ts loads each through require() as the tslab kernel does).
export const NOTEBOOK_PACKAGES = ['@daqdata/client', '@daqdata/client/sync', '@daqdata/core', '@daqdata/core/node', '@daqdata/viz'];
