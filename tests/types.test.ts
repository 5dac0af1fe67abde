// The public .d.ts types accept what the runtime accepts: tests/types/data-types.ts, which uses
// the data shapes users have (flat number[] labels, Float32Array[] rows, readonly arrays, Int32Array
// and Float64Array), must type-check under the project's compiler options; a wrong type must not.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function diagnostics(file: string): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([file], { ...options, noEmit: true, rootDir: root });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

it('the data shapes users have type-check, and a wrong one does not', () => {
  const file = join(root, 'tests/types/data-types.ts');
  expect(diagnostics(file)).toEqual([]);
  // The same file with a string[] where data goes: the check can fail.
  const dir = mkdtempSync(join(root, 'tests/types/tmp-'));
  try {
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, readFileSync(file, 'utf8').replaceAll('../../src/', '../../../src/').replace('model.predict(doubles);', "model.predict(['0', '1']);"));
    const errors = diagnostics(bad);
    expect(errors.length, errors.join('\n')).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/Type 'string' is not assignable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
