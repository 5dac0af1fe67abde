// End to end on real text: raw review sentences → textVectorization → embedding + conv1d → a
// sentiment classifier that beats guessing on held-out sentences by a wide margin.
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, TextVectorization } from '../src/index.js';
// @ts-expect-error: plain JS example module
import { loadSentences } from '../examples/sentiment-data.js';

beforeAll(() => ready());

type Sentence = { text: string; label: number; source: string };

it('learns review sentiment from 1,200 real sentences, well above the majority-class rate on held-out ones', async () => {
  const { train: all, test } = loadSentences() as { train: Sentence[]; test: Sentence[] };
  expect(all.length).toBe(2400);
  expect(test.length).toBe(600);
  const train = all.filter((_, i) => i % 2 === 0); // every other sentence: both labels, all three sites
  const vectorizer = layers.textVectorization({ maxTokens: 3000, outputSequenceLength: 24 });
  vectorizer.adapt(train.map((s) => s.text));
  const x = vectorizer.apply(train.map((s) => s.text)), y = Float32Array.from(train, (s) => s.label);
  const xTest = vectorizer.apply(test.map((s) => s.text)), yTest = Float32Array.from(test, (s) => s.label);

  const model = sequential({ seed: 7 });
  model.add(layers.embedding({ inputDim: vectorizer.vocabularySize(), outputDim: 16, inputLength: 24 }));
  model.add(layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(layers.globalMaxPooling1d());
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.002 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 6, batchSize: 32, shuffle: true });

  const positives = yTest.reduce((s, v) => s + v, 0);
  const majority = Math.max(positives, test.length - positives) / test.length;
  const { accuracy } = model.evaluate(xTest, yTest);
  expect(accuracy).toBeGreaterThan(majority + 0.2);

  // The reloaded vectorizer feeds the model the same ids, so the same predictions.
  const reloaded = TextVectorization.fromJSON(JSON.stringify(vectorizer));
  expect(model.predict(reloaded.apply(test.map((s) => s.text)))).toEqual(model.predict(xTest));
  model.dispose();
});
