/**
 * The layering rule holds: the lint config refuses a node import in the
 * renderer or the shared contract, and an electron import in the engine.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('layering lint', () => {
  it('keeps node and the engine out of the renderer', async () => {
    expect(await restrictedImports('src/renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restrictedImports('src/renderer/x.ts', "import { Engine } from '../main/engine/engine.js';\nexport const a = Engine;\n")).toHaveLength(1);
    expect(await restrictedImports('src/renderer/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });

  it('keeps the shared contract free of runtime-specific imports', async () => {
    expect(await restrictedImports('src/shared/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await restrictedImports('src/shared/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
  });

  it('keeps electron out of the engine and the CLI', async () => {
    expect(await restrictedImports('src/main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports('src/cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports('src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
});

describe('layering lint, the rules each broken once', () => {
  it('keeps the Electron shell out of the engine, however it is reached', async () => {
    expect(await restrictedImports('src/main/engine/x.ts', "import { engineConfig } from '../electron/main.js';\nexport const a = engineConfig;\n")).toHaveLength(1);
    expect(await restrictedImports('src/main/engine/camera/x.ts', "import { engineConfig } from '../../electron/main.js';\nexport const a = engineConfig;\n")).toHaveLength(1);
    expect(await restrictedImports('src/main/engine/x.ts', "import { Session } from './session/session.js';\nexport const a = Session;\n")).toEqual([]);
  });

  it('catches dynamic import() as well as static imports', async () => {
    expect(await restrictedImports('src/main/engine/x.ts', "export const a = await import('electron');\n")).toHaveLength(1);
    expect(await restrictedImports('src/main/engine/x.ts', "export const a = await import('../electron/main.js');\n")).toHaveLength(1);
    expect(await restrictedImports('src/renderer/x.ts', "export const a = await import('node:fs');\n")).toHaveLength(1);
    expect(await restrictedImports('src/renderer/x.ts', "export const a = await import('../main/engine/engine.js');\n")).toHaveLength(1);
    expect(await restrictedImports('src/shared/x.ts', "export const a = await import('fs');\n")).toHaveLength(1);
    expect(await restrictedImports('src/renderer/x.ts', "export const a = await import('./components/App.js');\n")).toEqual([]);
  });

  it('keeps recognition free of the hot lists (the alphabet lives below both)', async () => {
    expect(await restrictedImports('src/main/engine/recognition/x.ts', "import { foldPlate } from '../hotlist/plate.js';\nexport const a = foldPlate;\n")).toHaveLength(1);
    expect(await restrictedImports('src/main/engine/recognition/x.ts', "import { LOOKALIKE_CLASSES } from '../plate-alphabet.js';\nexport const a = LOOKALIKE_CLASSES;\n")).toEqual([]);
  });
});

describe('OpenCV loading', () => {
  it('goes through the engine module that configures the loader', async () => {
    const [bad] = await eslint.lintText("import cv from '@u4/opencv4nodejs';\nexport const a = cv;\n", { filePath: path.join(root, 'src/main/engine/x.ts') });
    expect(bad!.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
    const [typesOnly] = await eslint.lintText("import type { Mat } from '@u4/opencv4nodejs';\nexport type A = Mat;\n", { filePath: path.join(root, 'src/main/engine/x.ts') });
    expect(typesOnly!.messages).toEqual([]);
  });
});
