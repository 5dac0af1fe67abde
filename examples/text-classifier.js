// Text classification from raw sentences: a vectorizer turns words into ids, a network reads the
// ids and says whether a review sentence is positive or negative, and it is scored on sentences it
// has never seen. Then the vectorizer is saved as JSON and reloaded, as an app would do.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, sequential, layers, optimizers, TextVectorization } from 'neurite';
import { loadSentences } from './sentiment-data.js';

const MAX_TOKENS = 5000; // vocabulary entries, '' (padding) and '[UNK]' (unknown word) included
const LENGTH = 32; // ids per sentence: longer ones are cut, shorter ones padded with 0
const EPOCHS = 8;
const BATCH = 32;
const SEED = 42;
const PROMISED = 0.8;

const t0 = performance.now();
await ready();
const { train, test } = loadSentences();

console.log(`neurite: training a network to tell positive from negative review sentences.

Data: ${train.length + test.length} real sentences from Amazon, IMDB and Yelp reviews, labelled
  positive or negative by people (the UCI "Sentiment Labelled Sentences" set, shipped by the npm
  package "sentiment"). ${train.length} train; ${test.length} are held out and never trained on
  (for each site and label, the first 80% train, the rest test). Half are positive, so guessing
  one label for all of them scores 50%.
`);

// The vectorizer learns its vocabulary from the training sentences only: held-out words it has
// not seen become '[UNK]', as new words will in an app. Each sentence is lower-cased, stripped of
// punctuation, split on spaces, and each word replaced by its rank in the vocabulary.
const vectorizer = layers.textVectorization({ maxTokens: MAX_TOKENS, outputSequenceLength: LENGTH });
vectorizer.adapt(train.map((s) => s.text));
const example = test[0].text;
console.log(`Vocabulary: ${vectorizer.vocabularySize()} entries; most frequent words: ${vectorizer.getVocabulary().slice(2, 12).join(', ')}.
  "${example}"
  → [${Array.from(vectorizer.apply(example)).join(', ')}]
`);

const x = vectorizer.apply(train.map((s) => s.text)); // Float32Array, train.length × LENGTH ids
const y = Float32Array.from(train, (s) => s.label);
const xTest = vectorizer.apply(test.map((s) => s.text));
const yTest = Float32Array.from(test, (s) => s.label);

// An embedding gives each word a learned vector of 32 numbers; a 1-D convolution slides 64
// detectors over every 3 consecutive words ("not very good"); global max pooling keeps each
// detector's strongest match anywhere in the sentence; dropout hides half of those at each step;
// one sigmoid unit reads the probability that the sentence is positive.
const model = sequential({ seed: SEED });
model.add(layers.embedding({ inputDim: vectorizer.vocabularySize(), outputDim: 32, inputLength: LENGTH }));
model.add(layers.conv1d({ filters: 64, kernelSize: 3, activation: 'relu' }));
model.add(layers.globalMaxPooling1d());
model.add(layers.dropout({ rate: 0.5 }));
model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
console.log(model.summary());
console.log(`
Training: ${EPOCHS} epochs, ${BATCH} sentences per step, Adam (learning rate 0.001) on binary
  cross-entropy. "accuracy" is on the training sentences (with dropout on).
`);

const fitStart = performance.now();
await model.fit(x, y, {
  epochs: EPOCHS,
  batchSize: BATCH,
  shuffle: true,
  callbacks: {
    onEpochEnd: (epoch, logs) => {
      const seconds = ((performance.now() - fitStart) / 1000).toFixed(1);
      console.log(`  epoch ${epoch + 1}/${EPOCHS}  loss ${logs.loss.toFixed(4)}  accuracy ${(100 * logs.accuracy).toFixed(2)}%  (${seconds} s)`);
    },
  },
});
const trainSeconds = (performance.now() - fitStart) / 1000;
const scores = model.evaluate(xTest, yTest);

// A few held-out sentences, two from each site, and what the network makes of them.
const picks = [0, 1, 2, 3, 4, 5].map((i) => Math.floor(((i + 0.5) * test.length) / 6));
const probabilities = model.predict(xTest);
console.log(`
Held-out test: ${test.length} sentences the network never saw.
  test loss ${scores.loss.toFixed(4)}, test accuracy ${(100 * scores.accuracy).toFixed(2)}% (50% by guessing)
`);
for (const row of picks) {
  const { text, label, source } = test[row], p = probabilities[row];
  const verdict = p >= 0.5 ? 'positive' : 'negative', right = (p >= 0.5) === (label === 1) ? 'right' : 'WRONG';
  console.log(`  ${source.padEnd(6)} ${verdict} (p = ${p.toFixed(2)}, ${right})  "${text.length > 70 ? `${text.slice(0, 70)}…` : text}"`);
}

// An app keeps the vectorizer beside the model: its JSON holds the settings and the vocabulary.
// Reloaded, it must give exactly the same ids, or the trained embedding would read other words.
const dir = mkdtempSync(join(tmpdir(), 'neurite-text-'));
const file = join(dir, 'vectorizer.json');
writeFileSync(file, JSON.stringify(vectorizer));
const reloaded = TextVectorization.fromJSON(readFileSync(file, 'utf8'));
const again = reloaded.apply(test.map((s) => s.text));
const identical = again.length === xTest.length && again.every((id, i) => id === xTest[i]);
const mine = ['What a wonderful little phone, I love it!', 'The food was cold and the waiter was rude.'];
const mineP = model.predict(reloaded.apply(mine));
console.log(`
Saved the vectorizer (${readFileSync(file).length} bytes of JSON) and reloaded it: the ${test.length} held-out
  sentences give ${identical ? 'identical' : 'DIFFERENT'} ids. Two new sentences, through the reloaded vectorizer:
${mine.map((s, i) => `    p(positive) = ${mineP[i].toFixed(2)}  "${s}"`).join('\n')}

Training took ${trainSeconds.toFixed(1)} s; ${((performance.now() - t0) / 1000).toFixed(1)} s in all.
`);
rmSync(dir, { recursive: true });
model.dispose();
if (!identical) {
  console.error('The reloaded vectorizer tokenized differently.');
  process.exitCode = 1;
}
if (scores.accuracy < PROMISED) {
  console.error(`Test accuracy is below the ${100 * PROMISED}% this example is expected to reach.`);
  process.exitCode = 1;
}
