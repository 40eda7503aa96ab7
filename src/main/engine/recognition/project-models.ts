/**
 * The project's own plate detector and plate OCR (models/plate-detector.*,
 * models/plate-ocr.*), wired into the two-stage recognizer.
 */
import type { Recognizer } from './recognizer.js';

export async function createProjectRecognizer(modelDir: string, _threads: number): Promise<Recognizer> {
  throw new Error(`project models in ${modelDir} are not wired in yet`);
}
