// One ONNX Runtime session in a worker thread. InferenceSession.run() occupies the thread that
// calls it, so sessions live here and the main thread's event loop stays free for health checks,
// batching and model swaps. Plain JavaScript: worker threads load files as Node runs them, without
// the TypeScript build or Jest's transform.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { modelPath, sessionOptions } = workerData;

let session;
try {
  session = await ort.InferenceSession.create(modelPath, sessionOptions);
} catch (err) {
  parentPort.postMessage({
    type: 'failed',
    message: err instanceof Error ? err.message : String(err),
  });
  process.exit(1);
}
parentPort.postMessage({
  type: 'ready',
  inputNames: session.inputNames,
  outputNames: session.outputNames,
});

parentPort.on('message', async ({ id, inputIds, attentionMask, dims }) => {
  try {
    const started = performance.now();
    const outputs = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, dims),
      attention_mask: new ort.Tensor('int64', attentionMask, dims),
    });
    const modelMs = performance.now() - started;
    // A copy that this thread can hand over: the output tensor's memory belongs to the session.
    const logits = new Float32Array(outputs.logits.data);
    parentPort.postMessage({ type: 'result', id, logits, modelMs }, [logits.buffer]);
  } catch (err) {
    parentPort.postMessage({
      type: 'error',
      id,
      message: err instanceof Error ? err.message : String(err),
    });
  }
});
