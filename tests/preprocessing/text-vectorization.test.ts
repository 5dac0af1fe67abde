// textVectorization against Keras's TextVectorization semantics: the cases are worked out by hand
// from Keras's documentation and source (vocabulary order, reserved indices, padding, the output
// modes, idf weights), not produced by this implementation.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, TextVectorization, ValueError, StateError } from '../../src/index.js';

const f32 = (values: number[]) => Float32Array.from(values);

describe('vocabulary', () => {
  it("Keras's documented example: frequency order, ties by token descending, '' = 0, '[UNK]' = 1", () => {
    const v = layers.textVectorization({ maxTokens: 5000, outputSequenceLength: 4 });
    v.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    // bar and baz twice (baz > bar), then foo > boom > bada once.
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']);
    expect(v.vocabularySize()).toBe(7);
    expect(v.getVocabulary(false)).toEqual(['baz', 'bar', 'foo', 'boom', 'bada']);
    expect(v.apply(['foo qux bar', 'qux baz'])).toEqual(f32([4, 1, 3, 0, 1, 2, 0, 0]));
  });

  it('breaks ties by code point, as UTF-8 bytes sort (an astral character after U+FFFD)', () => {
    const v = layers.textVectorization({ standardize: null });
    v.adapt(['\u{1F600} \uFFFD a c b', 'a']);
    // a twice; then the others once each, highest code point first.
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'a', '\u{1F600}', '\uFFFD', 'c', 'b']);
  });

  it('maxTokens counts the reserved entries: 2 in int mode, 1 in the others', () => {
    const texts = ['foo bar', 'bar baz', 'baz bada boom'];
    const int = layers.textVectorization({ maxTokens: 4 });
    int.adapt(texts);
    expect(int.getVocabulary()).toEqual(['', '[UNK]', 'baz', 'bar']);
    expect(int.apply('foo bar')).toEqual(f32([1, 3]));
    const multiHot = layers.textVectorization({ maxTokens: 4, outputMode: 'multiHot' });
    multiHot.adapt(texts);
    expect(multiHot.getVocabulary()).toEqual(['[UNK]', 'baz', 'bar', 'foo']);
    expect(multiHot.apply(['foo boom', 'baz'])).toEqual(f32([1, 0, 0, 1, 0, 1, 0, 0]));
  });

  it('a given vocabulary gets the reserved entries in front, or keeps them when it leads with them', () => {
    const v = layers.textVectorization({ vocabulary: ['earth', 'wind', 'and', 'fire'], outputSequenceLength: 4 });
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'earth', 'wind', 'and', 'fire']);
    expect(v.apply('Fire and water.')).toEqual(f32([5, 4, 1, 0]));
    const same = layers.textVectorization({ vocabulary: v.getVocabulary(), outputSequenceLength: 4 });
    expect(same.getVocabulary()).toEqual(v.getVocabulary());
    const multiHot = layers.textVectorization({ vocabulary: ['[UNK]', 'earth'], outputMode: 'multiHot' });
    expect(multiHot.getVocabulary()).toEqual(['[UNK]', 'earth']);
  });

  it('never learns the reserved tokens, and maps them to their indices', () => {
    const v = layers.textVectorization({ standardize: null, split: (t) => t.split(',') });
    v.adapt(['[UNK],x,,x']);
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'x']);
    expect(v.apply('x,[UNK],,y')).toEqual(f32([2, 1, 0, 1]));
  });

  it('adapt replaces the vocabulary, a given one included', () => {
    const v = layers.textVectorization({ vocabulary: ['old'] });
    v.adapt(['new new words']);
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'new', 'words']);
  });
});

describe("'int' rows", () => {
  const v = layers.textVectorization();
  v.adapt(['a b c d e']);
  const id = (t: string) => v.getVocabulary().indexOf(t);

  it('without outputSequenceLength, pad with 0 to the longest row of the call', () => {
    expect(v.apply(['a b', 'c', 'e d a'])).toEqual(f32([id('a'), id('b'), 0, id('c'), 0, 0, id('e'), id('d'), id('a')]));
    expect(v.apply(['', ''])).toEqual(f32([]));
  });

  it('outputSequenceLength pads at the end and truncates, keeping the first tokens', () => {
    const cut = layers.textVectorization({ vocabulary: v.getVocabulary(), outputSequenceLength: 3 });
    expect(cut.apply(['a', 'a b c d e'])).toEqual(f32([id('a'), 0, 0, id('a'), id('b'), id('c')]));
  });
});

describe("'multiHot', 'count', 'tfIdf' (Keras's StringLookup example: vocabulary a b c d)", () => {
  const texts = ['a c d d', 'd z b z'];
  const vocabulary = ['a', 'b', 'c', 'd'];

  it("multiHot: 1 per token present, column 0 for out-of-vocabulary ones", () => {
    const v = layers.textVectorization({ vocabulary, outputMode: 'multiHot' });
    expect(v.getVocabulary()).toEqual(['[UNK]', 'a', 'b', 'c', 'd']);
    expect(v.apply(texts)).toEqual(f32([0, 1, 0, 1, 1, 1, 0, 1, 0, 1]));
  });

  it('count: occurrences', () => {
    const v = layers.textVectorization({ vocabulary, outputMode: 'count' });
    expect(v.apply(texts)).toEqual(f32([0, 1, 0, 1, 2, 2, 0, 1, 0, 1]));
  });

  it('tfIdf: count × weight; out-of-vocabulary tokens weigh the mean of the given weights', () => {
    const v = layers.textVectorization({ vocabulary, idfWeights: [0.25, 0.75, 0.6, 0.4], outputMode: 'tfIdf' });
    // z twice × mean(0.25, 0.75, 0.6, 0.4) = 1.0; d twice × 0.4.
    expect(v.apply(texts)).toEqual(f32([0, 0.25, 0, 0.6, 0.8, 1.0, 0, 0.75, 0, 0.4]));
    const withOov = layers.textVectorization({ vocabulary: ['[UNK]', ...vocabulary], idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4], outputMode: 'tf_idf' });
    expect(withOov.apply(texts)).toEqual(f32([0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4]));
  });

  it('adapt learns idf = log(1 + documents / (1 + documents with the token)), by documents, not occurrences', () => {
    const v = layers.textVectorization({ outputMode: 'tfIdf' });
    v.adapt(['a b a', 'b c', 'b']);
    expect(v.getVocabulary()).toEqual(['[UNK]', 'b', 'a', 'c']);
    const idfB = Math.fround(Math.log(1 + 3 / 4)), idfA = Math.fround(Math.log(1 + 3 / 2)), idfC = idfA;
    const oov = Math.fround((idfB + idfA + idfC) / 3);
    expect(v.apply(['a a x', 'b c'])).toEqual(f32([oov, 0, 2 * idfA, 0, 0, idfB, 0, idfC]));
  });

  it('padToMaxTokens widens every row to maxTokens with zeros', () => {
    const v = layers.textVectorization({ vocabulary, outputMode: 'count', maxTokens: 8, padToMaxTokens: true });
    expect(v.apply('a z a')).toEqual(f32([1, 2, 0, 0, 0, 0, 0, 0]));
  });

  it("drops '' tokens, which stand for padding", () => {
    const v = layers.textVectorization({ vocabulary, outputMode: 'count', standardize: null, split: (t) => t.split(',') });
    expect(v.apply('a,,b,')).toEqual(f32([0, 1, 1, 0, 0]));
  });
});

describe('standardize and split', () => {
  const tokens = (config: Parameters<typeof layers.textVectorization>[0], text: string) => layers.textVectorization(config).tokenize(text);

  it("default: Unicode lower-case, then Keras's ASCII punctuation stripped (other symbols kept)", () => {
    expect(tokens({}, "Hello, World! It's a-test — ÉCOLE (2024) [x]{y}~")).toEqual(['hello', 'world', 'its', 'atest', '—', 'école', '2024', 'xy']);
    expect(tokens({}, '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')).toEqual([]);
  });

  it("'lower', 'stripPunctuation', null and a function", () => {
    expect(tokens({ standardize: 'lower' }, 'Hi, YOU!')).toEqual(['hi,', 'you!']);
    expect(tokens({ standardize: 'stripPunctuation' }, 'Hi, YOU!')).toEqual(['Hi', 'YOU']);
    expect(tokens({ standardize: 'strip_punctuation' }, 'Hi, YOU!')).toEqual(['Hi', 'YOU']);
    expect(tokens({ standardize: null }, 'Hi, YOU!')).toEqual(['Hi,', 'YOU!']);
    expect(tokens({ standardize: (t) => t.replaceAll('o', '0') }, 'foo boo')).toEqual(['f00', 'b00']);
  });

  it("'whitespace' splits on runs of Unicode white space and ignores it at the ends", () => {
    expect(tokens({}, '  one\ttwo\n\nthree\u00a0four  ')).toEqual(['one', 'two', 'three', 'four']);
  });

  it("'character' gives code points (spaces included); null keeps the whole text; a function splits", () => {
    expect(tokens({ split: 'character' }, 'Ab 😀')).toEqual(['a', 'b', ' ', '😀']);
    expect(tokens({ split: null }, 'New York')).toEqual(['new york']);
    // Standardizing comes first: the default would strip the '|' before the split saw it.
    expect(tokens({ standardize: 'lower', split: (t) => t.split('|') }, 'A b|c')).toEqual(['a b', 'c']);
  });

  it('ngrams: n gives 1- to n-grams, width by width; a list gives just those widths', () => {
    expect(tokens({ ngrams: 2 }, 'a b c')).toEqual(['a', 'b', 'c', 'a b', 'b c']);
    expect(tokens({ ngrams: [2, 3] }, 'a b c')).toEqual(['a b', 'b c', 'a b c']);
    expect(tokens({ ngrams: 3 }, 'a b')).toEqual(['a', 'b', 'a b']);
    const v = layers.textVectorization({ ngrams: 2, outputMode: 'multiHot' });
    v.adapt(['good movie', 'not good']);
    expect(v.getVocabulary()).toEqual(['[UNK]', 'good', 'not good', 'not', 'movie', 'good movie']);
  });
});

describe('toJSON / fromJSON', () => {
  const corpus = ['The movie was great, great fun!', 'A dull, slow movie.', 'Not great: not fun at all', 'fun fun fun'];
  const unseen = ['great movie', 'never seen words here', '', 'FUN, fun and more fun'];
  const configs = [
    { outputSequenceLength: 5 },
    { maxTokens: 6 },
    { outputMode: 'multiHot', ngrams: 2 },
    { outputMode: 'count', standardize: 'lower', split: 'character' },
    { outputMode: 'tfIdf', maxTokens: 5, padToMaxTokens: true },
  ] as const;

  for (const config of configs) {
    it(`reloads to identical outputs: ${JSON.stringify(config)}`, () => {
      const v = layers.textVectorization(config);
      v.adapt(corpus);
      const text = JSON.stringify(v);
      const reloaded = TextVectorization.fromJSON(text);
      expect(reloaded.getVocabulary()).toEqual(v.getVocabulary());
      expect(reloaded.apply(unseen)).toEqual(v.apply(unseen));
      expect(reloaded.apply(corpus)).toEqual(v.apply(corpus));
      expect(JSON.stringify(reloaded)).toBe(text);
      // The config alone also makes the vectorizer, as Keras's from_config.
      expect(layers.textVectorization(JSON.parse(text).config).apply(unseen)).toEqual(v.apply(unseen));
    });
  }

  it('a function is saved as "custom" and must be given again', () => {
    const split = (t: string) => t.split('-');
    const v = layers.textVectorization({ standardize: 'lower', split });
    v.adapt(['a-b-b']);
    const json = v.toJSON();
    expect(json.config.split).toBe('custom');
    expect(() => TextVectorization.fromJSON(json)).toThrow(/split was a function.*fromJSON\(json, \{ split \}\)/);
    expect(TextVectorization.fromJSON(json, { split }).apply('b-a-c')).toEqual(f32([2, 3, 1]));
    expect(() => TextVectorization.fromJSON(json, { standardize: (t) => t })).toThrow(ValueError);
  });

  it('rejects what is not a saved vectorizer', () => {
    expect(() => TextVectorization.fromJSON('{not json')).toThrow(ValueError);
    expect(() => TextVectorization.fromJSON({ className: 'Dense', config: {} } as never)).toThrow(/expected \{ className: 'TextVectorization'/);
  });
});

describe('with a model', () => {
  beforeAll(() => ready());

  it("apply's rows go straight into predict, and a vectorizer is not a layer", () => {
    const v = layers.textVectorization({ outputSequenceLength: 6 });
    v.adapt(['one two three', 'four five']);
    const model = sequential({ seed: 1 });
    expect(() => model.add(v as never)).toThrow(/a textVectorization runs before the model/);
    model.add(layers.embedding({ inputDim: v.vocabularySize(), outputDim: 3, inputLength: 6 }));
    model.add(layers.globalAveragePooling1d());
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    expect(model.predict(v.apply(['two five', 'unknown words only', 'three']))).toHaveLength(3);
    model.dispose();
  });
});

describe('errors', () => {
  it('texts must be strings', () => {
    const v = layers.textVectorization({ vocabulary: ['a'] });
    expect(() => v.apply([1] as never)).toThrow(/apply\(\): expected strings, got 1 at \[0\]/);
    expect(() => v.apply({} as never)).toThrow(/expected a string or an array of strings/);
    expect(() => v.adapt(['a', null] as never)).toThrow(/adapt\(\): expected strings, got null at \[1\]/);
    expect(() => v.adapt([])).toThrow(/at least one text/);
    expect(() => v.adapt(['', '!?'])).toThrow(/have no tokens/);
  });

  it('apply before adapt is a StateError', () => {
    expect(() => layers.textVectorization().apply(['a'])).toThrow(StateError);
    expect(() => layers.textVectorization({ outputMode: 'count' }).apply(['a'])).toThrow(/call adapt\(texts\) first/);
  });

  it('bad options name the option', () => {
    const bad: [object, RegExp][] = [
      [{ maxToken: 5 }, /^layers\.textVectorization\(\): unknown option "maxToken"/],
      [{ vocabulary: ["a", "a"] }, /^layers\.textVectorization\(\): the vocabulary repeats/],
      [{ maxTokens: 1 }, /maxTokens must be an integer in \[2,/],
      [{ outputMode: 'binary' }, /outputMode must be/],
      [{ standardize: 'upper' }, /standardize must be/],
      [{ split: 'words' }, /split must be/],
      [{ ngrams: 0 }, /ngrams must be an integer in \[1,/],
      [{ ngrams: [] }, /ngrams must be a positive integer/],
      [{ ngrams: 2, split: null }, /ngrams need a split/],
      [{ outputMode: 'multiHot', outputSequenceLength: 4 }, /outputSequenceLength is for outputMode 'int' only/],
      [{ outputSequenceLength: 2.5 }, /outputSequenceLength must be an integer/],
      [{ padToMaxTokens: true }, /padToMaxTokens is for outputMode/],
      [{ outputMode: 'count', padToMaxTokens: true }, /padToMaxTokens needs maxTokens/],
      [{ vocabulary: ['a', 'b', 'a'] }, /repeats "a"/],
      [{ vocabulary: ['a', ''] }, /padding token '' may only lead/],
      [{ vocabulary: [] }, /vocabulary is empty/],
      [{ vocabulary: ['a', 3] }, /must hold strings, got 3 at \[1\]/],
      [{ vocabulary: ['a', 'b', 'c'], maxTokens: 4 }, /5 entries .* exceeds maxTokens 4/],
      [{ vocabulary: ['a'], outputMode: 'tfIdf' }, /needs idfWeights/],
      [{ vocabulary: ['a', 'b'], idfWeights: [1], outputMode: 'tfIdf' }, /1 weights for a vocabulary of 2/],
      [{ vocabulary: ['a'], idfWeights: [NaN], outputMode: 'tfIdf' }, /finite numbers, got NaN at \[0\]/],
      [{ vocabulary: ['a'], idfWeights: [1] }, /idfWeights go with outputMode 'tfIdf'/],
    ];
    for (const [config, message] of bad) expect(() => layers.textVectorization(config as never), JSON.stringify(config)).toThrow(message);
    for (const [config] of bad) expect(() => layers.textVectorization(config as never)).toThrow(ValueError);
  });

  it('custom functions must return what they promise', () => {
    expect(() => layers.textVectorization({ standardize: (() => 3) as never }).tokenize('a')).toThrow(/standardize function must return a string, got 3 for text \[0\]/);
    expect(() => layers.textVectorization({ split: (() => 'a b') as never }).tokenize('a')).toThrow(/split function must return an array of strings/);
  });
});

describe('setVocabulary', () => {
  it('replaces the vocabulary (and idf weights), checked as at construction', () => {
    const v = layers.textVectorization({ outputMode: 'tfIdf' });
    v.setVocabulary(['x', 'y'], [2, 4]);
    expect(v.getVocabulary()).toEqual(['[UNK]', 'x', 'y']);
    expect(v.apply('y q q')).toEqual(f32([6, 0, 4])); // q twice × mean(2, 4)
    expect(() => v.setVocabulary(['x', 'x'], [1, 1])).toThrow(/^setVocabulary\(\): the vocabulary repeats "x"/);
    expect(() => v.setVocabulary(['x'])).toThrow(/needs idfWeights/);
    expect(v.getVocabulary()).toEqual(['[UNK]', 'x', 'y']); // a refused vocabulary changes nothing
  });
});
