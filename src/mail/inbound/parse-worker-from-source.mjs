// Entry of a parse worker when CaseDesk runs from its TypeScript sources (no build): on Node 20,
// `execArgv: ['--import', 'tsx']` does not reach a worker's entry module (ERR_UNKNOWN_FILE_EXTENSION),
// so the worker registers tsx itself before loading parse-worker.ts. See parse-pool.ts.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
