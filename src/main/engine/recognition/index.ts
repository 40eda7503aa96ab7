/**
 * Chooses and builds the recognizer: the project's own detector + OCR models
 * from models/ when present, or the PaddleOCR baseline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.js';
import { PaddleRecognizer } from './paddle.js';
import type { Recognizer } from './recognizer.js';

export type EngineName = 'auto' | 'project' | 'paddle';

export interface RecognizerOptions {
  readonly engine?: EngineName;
  /** Inference threads per model session. */
  readonly threads?: number;
  readonly modelDir?: string;
  /** Further crop margins the thorough reader reads each plate with (project models); default from LPR_OCR_VIEWS, else DEFAULT_VIEW_MARGINS. */
  readonly ocrViews?: readonly number[];
}

/** models/ at the project root. */
export function defaultModelDir(): string {
  return path.join(projectRoot(), 'models');
}

export function projectModelsPresent(modelDir = defaultModelDir()): boolean {
  return ['plate-detector.onnx', 'plate-detector.json', 'plate-ocr.onnx', 'plate-ocr.json'].every((f) => fs.existsSync(path.join(modelDir, f)));
}

export async function createRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const engine = options.engine ?? 'auto';
  const modelDir = options.modelDir ?? defaultModelDir();
  if (engine === 'project' || (engine === 'auto' && projectModelsPresent(modelDir))) {
    if (!projectModelsPresent(modelDir)) throw new Error(`the project's models are not in ${modelDir} (plate-detector.onnx/.json, plate-ocr.onnx/.json)`);
    const { createProjectRecognizer, viewMargins } = await import('./project-models.js');
    return createProjectRecognizer(modelDir, options.threads ?? 1, options.ocrViews ?? viewMargins());
  }
  return PaddleRecognizer.create({ threads: options.threads ?? 1 });
}
