#!/usr/bin/env node
// Loads each native dependency the way the engine does and prints what it
// found, so a broken build (missing libopencv, a binding compiled for another
// Node ABI) is reported by name instead of as a crash later.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const checks = [
  ['better-sqlite3', async () => {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(':memory:');
    const version = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
    return `SQLite ${version}`;
  }],
  ['onnxruntime-node', async () => {
    const ort = await import('onnxruntime-node');
    return `ONNX Runtime ${ort.env.versions?.common ?? require('onnxruntime-node/package.json').version}`;
  }],
  ['@u4/opencv4nodejs', async () => {
    process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD ??= '1';
    const { Log } = await import('@u4/opencv-build');
    Log.silence = true;
    const cv = (await import('@u4/opencv4nodejs')).default;
    return `OpenCV ${cv.version.major}.${cv.version.minor}.${cv.version.revision}`;
  }],
  ['serialport', async () => {
    const { SerialPort } = await import('serialport');
    const ports = await SerialPort.list();
    return `${ports.length} serial port(s) listed`;
  }],
];

let failed = 0;
for (const [name, check] of checks) {
  try {
    console.log(`ok   ${name}: ${await check()}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message.split('\n')[0]}`);
  }
}
console.log(`node ${process.versions.node} (ABI ${process.versions.modules})`);
process.exitCode = failed ? 1 : 0;
