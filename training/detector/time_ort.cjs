// Times the detector in onnxruntime-node on one thread: node time_ort.cjs MODEL [W H]
// Prints one JSON line {version, ms, runs}.  Used by eval.py.
const ort = require('onnxruntime-node');

async function main() {
  const [model, w = '640', h = '384'] = process.argv.slice(2);
  const W = Number(w), H = Number(h);
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const data = new Float32Array(3 * W * H);
  for (let i = 0; i < data.length; i++) data[i] = (i % 251) / 251;
  const feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, H, W]) };
  for (let i = 0; i < 5; i++) await sess.run(feeds);
  const times = [];
  for (let i = 0; i < 40; i++) {
    const t = process.hrtime.bigint();
    await sess.run(feeds);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  let version = 'unknown';
  try { version = require('onnxruntime-node/package.json').version; } catch (e) { /* not needed */ }
  console.log(JSON.stringify({ version, ms: times[times.length >> 1], runs: times.length }));
}
main().catch((e) => { console.error(e); process.exit(1); });
