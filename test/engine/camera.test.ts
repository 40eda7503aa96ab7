import cv from '../../src/main/engine/opencv.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameSourceError, openImageFolder, openSource, openVideo } from '../../src/main/engine/camera/source.js';
import { renderPlateScene } from '../helpers/images.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-camera-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function drain(source: ReturnType<typeof openSource>, max = 100): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < max; i++) {
    const frame = await source.next();
    if (!frame) break;
    expect(frame.image.cols).toBeGreaterThan(0);
    seqs.push(frame.seq);
  }
  source.close();
  return seqs;
}

describe('frame sources', () => {
  it('replays a video file through OpenCV VideoCapture, as a camera with an id', async () => {
    const file = path.join(dir, 'clip.avi');
    const writer = new cv.VideoWriter(file, cv.VideoWriter.fourcc('MJPG'), 10, new cv.Size(320, 180), true);
    for (let i = 0; i < 12; i++) writer.write(renderPlateScene(`AB${i}`, 320, 180));
    writer.release();
    const source = openVideo(file, { cameraId: 'front', fps: 0 });
    expect(source.cameraId).toBe('front');
    expect(await drain(source)).toEqual([...Array(12).keys()]);
  });

  it('paces a replay at the set rate', async () => {
    const folder = path.join(dir, 'paced');
    fs.mkdirSync(folder);
    for (let i = 0; i < 4; i++) cv.imwrite(path.join(folder, `f${i}.png`), renderPlateScene('X', 64, 48));
    const source = openImageFolder(folder, { cameraId: 'c', fps: 20 });
    const start = performance.now();
    expect(await drain(source)).toEqual([0, 1, 2, 3]);
    // Four frames at 20 fps span three intervals of 50 ms.
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('plays a folder of images in name order and loops when asked', async () => {
    const folder = path.join(dir, 'frames');
    fs.mkdirSync(folder);
    for (const name of ['b.png', 'a.jpg', 'c.png']) cv.imwrite(path.join(folder, name), renderPlateScene(name, 64, 48));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a frame');
    expect(await drain(openImageFolder(folder, { cameraId: 'c', fps: 0 }))).toEqual([0, 1, 2]);
    expect(await drain(openImageFolder(folder, { cameraId: 'c', fps: 0, loop: true }), 7)).toHaveLength(7);
  });

  it('names the file when a frame in a folder is corrupt', async () => {
    const folder = path.join(dir, 'corrupt');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'broken.jpg'), Buffer.from('this is not a jpeg'));
    const source = openImageFolder(folder, { cameraId: 'rear', fps: 0 });
    await expect(source.next()).rejects.toThrow(/camera rear: cannot decode .*broken\.jpg/);
  });

  it('refuses an unreadable video, a missing one and an empty folder with the path', () => {
    const bad = path.join(dir, 'bad.mp4');
    fs.writeFileSync(bad, Buffer.alloc(4096, 7));
    expect(() => openVideo(bad, { cameraId: 'c', fps: 0 })).toThrow(FrameSourceError);
    expect(() => openVideo(bad, { cameraId: 'c', fps: 0 })).toThrow(/bad\.mp4/);
    expect(() => openSource(path.join(dir, 'missing.mp4'), { cameraId: 'c', fps: 0 })).toThrow(/missing\.mp4 does not exist/);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => openImageFolder(empty, { cameraId: 'c', fps: 0 })).toThrow(/has no \.jpg/);
  });
});
