// Entry point: wires each section. Sections start independently so one failing never blocks another.
import { api } from './util.js';
import { initKeygen } from './keygen.js';
import { initSimulator } from './simulator.js';
import { initCodegen } from './codegen.js';
import { initCollision, initStrategies } from './collision.js';
import { initCheck } from './check.js';

async function main() {
  let info = null;
  try {
    info = await api('/api/tools/info');
  } catch {
    info = null; // the sections fall back to their built-in texts
  }
  initKeygen(info);
  initCodegen();
  initCheck();
  await Promise.allSettled([initSimulator(info), initStrategies(), initCollision()]);
  document.body.dataset.ready = 'true';
}

main();
