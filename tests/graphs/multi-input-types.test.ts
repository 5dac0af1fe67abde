// Regression (found in review, fixed): the public types refuse the keyed form of a multi-input model's data that the README
// documents and the runtime takes ("an object keyed by input name, { pixels, meta }"): predict,
// evaluate, trainOnBatch, fit (and validationData), gradientCheck and workerTrainer's methods type
// x as `Data`, which has no object form, so a TypeScript user gets "Object literal may only specify
// known properties". Suggested fix: type x as `Data | readonly Data[] | Readonly<Record<string, Data>>`
// (a named `InputData`) wherever a model's inputs go.
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

it('the documented multi-input and multi-output data forms type-check', () => {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = ['multi-input.ts', 'multi-output.ts'].map((f) => join(root, 'tests/graphs/types', f));
  const program = ts.createProgram(files, { ...options, noEmit: true, rootDir: root });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors).toEqual([]);
}, 120_000);
