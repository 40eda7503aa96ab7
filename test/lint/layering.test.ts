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
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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

describe('OpenCV loading', () => {
  it('goes through the engine module that configures the loader', async () => {
    const [bad] = await eslint.lintText("import cv from '@u4/opencv4nodejs';\nexport const a = cv;\n", { filePath: path.join(root, 'src/main/engine/x.ts') });
    expect(bad!.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
    const [typesOnly] = await eslint.lintText("import type { Mat } from '@u4/opencv4nodejs';\nexport type A = Mat;\n", { filePath: path.join(root, 'src/main/engine/x.ts') });
    expect(typesOnly!.messages).toEqual([]);
  });
});
