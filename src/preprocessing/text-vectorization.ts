// Text vectorization, as Keras's TextVectorization: raw strings in, numbers a model can read out.
// It runs before the model, in JavaScript (strings never enter the Wasm core), in three steps:
//   standardize (lower-case, strip punctuation) → split into tokens (words or characters, then
//   optional n-grams) → look each token up in a vocabulary.
// `adapt(texts)` builds the vocabulary from a corpus: the most frequent tokens first, ties broken
// by the tokens in descending code-point order (Keras sorts the UTF-8 bytes the same way), cut to
// `maxTokens`, which counts the reserved entries. Output modes:
//   'int'       one id per token: 0 is padding (''), 1 is out-of-vocabulary ('[UNK]'), words from 2;
//               rows padded with 0 or cut to `outputSequenceLength` (else to the longest row);
//   'multiHot'  one column per vocabulary entry, 1 where the text has that token; column 0 is
//               out-of-vocabulary (there is no padding entry);
//   'count'     as multiHot, the number of times the token occurs;
//   'tfIdf'     the count times the token's idf weight, log(1 + texts / (1 + texts with the token));
//               out-of-vocabulary tokens weigh the mean of the vocabulary's weights.
// `apply(texts)` returns a flat row-major Float32Array of one row per text, the form `fit`,
// `predict` and `evaluate` take directly (ids are exact in float32 up to 2^24, the vocabulary cap).
// `toJSON()` holds the vocabulary and idf weights, so `TextVectorization.fromJSON` tokenizes
// exactly as before.
import { StateError, ValueError, checkBoolean, checkKeys, describe } from '../errors.js';

export type StandardizeName = 'lowerAndStripPunctuation' | 'lower' | 'stripPunctuation';
export type SplitName = 'whitespace' | 'character';
export type TextOutputMode = 'int' | 'multiHot' | 'count' | 'tfIdf';

export interface TextVectorizationConfig {
  /** The most vocabulary entries, the reserved ones ('' and '[UNK]', or '[UNK]') included; default no limit. */
  maxTokens?: number | null;
  /** Default 'lowerAndStripPunctuation'; null keeps the text as it is; a function maps each text. */
  standardize?: StandardizeName | 'lower_and_strip_punctuation' | 'strip_punctuation' | null | ((text: string) => string);
  /** Default 'whitespace'; 'character' splits into Unicode code points; null keeps each text as one token; a function returns the tokens. */
  split?: SplitName | null | ((text: string) => string[]);
  /** n: the 1- to n-grams; [2, 3]: just those widths; tokens joined by one space. Default none. */
  ngrams?: number | number[] | null;
  /** Default 'int'. */
  outputMode?: TextOutputMode | 'multi_hot' | 'tf_idf';
  /** 'int' only: every row padded with 0 or cut to this many ids. Default: the longest row of the call. */
  outputSequenceLength?: number | null;
  /** 'multiHot' / 'count' / 'tfIdf' only: rows as wide as maxTokens even if the vocabulary is smaller. */
  padToMaxTokens?: boolean;
  /** A vocabulary to use instead of adapt(); its reserved entries may lead it, in order, or be left out. */
  vocabulary?: readonly string[] | null;
  /** 'tfIdf' with a vocabulary: one weight per vocabulary entry (given with or without the reserved ones). */
  idfWeights?: ArrayLike<number> | null;
}

/** What toJSON() returns: the config, with the vocabulary and idf weights it learned. */
export interface TextVectorizationJSON {
  className: 'TextVectorization';
  config: {
    maxTokens: number | null;
    /** 'custom' stands for a function, which fromJSON needs given again. */
    standardize: StandardizeName | 'custom' | null;
    split: SplitName | 'custom' | null;
    ngrams: number | number[] | null;
    outputMode: TextOutputMode;
    outputSequenceLength: number | null;
    padToMaxTokens: boolean;
    vocabulary: string[] | null;
    idfWeights: number[] | null;
  };
}

/** The padding token: index 0 in 'int' mode; dropped in the other modes. */
export const PADDING_TOKEN = '';
/** The out-of-vocabulary token: index 1 in 'int' mode, 0 in the others. */
export const OOV_TOKEN = '[UNK]';
/** The largest vocabulary: every id below 2^24 is exact as a float32. */
export const MAX_VOCABULARY = 2 ** 24;

// Keras's punctuation: ASCII's !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ (Python's string.punctuation).
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Unicode white space (TensorFlow splits on ASCII's only): a no-break space separates words too.
const WHITESPACE = /\s+/u;

const KEYS = ['maxTokens', 'standardize', 'split', 'ngrams', 'outputMode', 'outputSequenceLength', 'padToMaxTokens', 'vocabulary', 'idfWeights'];
const STANDARDIZE: Record<string, StandardizeName> = {
  lowerAndStripPunctuation: 'lowerAndStripPunctuation', lower_and_strip_punctuation: 'lowerAndStripPunctuation',
  lower: 'lower', stripPunctuation: 'stripPunctuation', strip_punctuation: 'stripPunctuation',
};
const OUTPUT_MODES: Record<string, TextOutputMode> = { int: 'int', multiHot: 'multiHot', multi_hot: 'multiHot', count: 'count', tfIdf: 'tfIdf', tf_idf: 'tfIdf' };

export class TextVectorization {
  readonly className = 'TextVectorization';
  readonly maxTokens: number | null;
  readonly standardize: StandardizeName | null | ((text: string) => string);
  readonly split: SplitName | null | ((text: string) => string[]);
  readonly ngrams: number | number[] | null;
  readonly outputMode: TextOutputMode;
  readonly outputSequenceLength: number | null;
  readonly padToMaxTokens: boolean;
  // The n-gram widths, in the order their n-grams follow each other.
  private readonly widths: number[] | null;
  // The learned (or given) tokens, without the reserved ones, and each one's index.
  private learned: string[] | null = null;
  private index = new Map<string, number>();
  // 'tfIdf': one weight per vocabulary entry, the out-of-vocabulary one first.
  private idf: Float32Array | null = null;

  constructor(config: TextVectorizationConfig = {}) {
    const where = 'layers.textVectorization()';
    checkKeys(config, KEYS, where);
    const mode = config.outputMode ?? 'int';
    if (typeof mode !== 'string' || !Object.hasOwn(OUTPUT_MODES, mode)) throw new ValueError(`${where}: outputMode must be 'int', 'multiHot', 'count' or 'tfIdf', got ${describe(mode)}`);
    this.outputMode = OUTPUT_MODES[mode];
    this.maxTokens = config.maxTokens == null ? null : integer(config.maxTokens, 2, MAX_VOCABULARY, where, 'maxTokens');

    const standardize = config.standardize === undefined ? 'lowerAndStripPunctuation' : config.standardize;
    if (typeof standardize === 'string' && Object.hasOwn(STANDARDIZE, standardize)) this.standardize = STANDARDIZE[standardize];
    else if (standardize === null || typeof standardize === 'function') this.standardize = standardize;
    else throw new ValueError(`${where}: standardize must be 'lowerAndStripPunctuation', 'lower', 'stripPunctuation', null or a function, got ${describe(standardize)}`);

    const split = config.split === undefined ? 'whitespace' : config.split;
    if (split !== 'whitespace' && split !== 'character' && split !== null && typeof split !== 'function') {
      throw new ValueError(`${where}: split must be 'whitespace', 'character', null or a function, got ${describe(split)}`);
    }
    this.split = split;

    const ngrams = config.ngrams ?? null;
    if (ngrams === null) this.widths = null;
    else if (typeof ngrams === 'number') this.widths = Array.from({ length: integer(ngrams, 1, 64, where, 'ngrams') }, (_, i) => i + 1);
    else if (Array.isArray(ngrams) && ngrams.length > 0) this.widths = ngrams.map((n, i) => integer(n, 1, 64, where, `ngrams[${i}]`));
    else throw new ValueError(`${where}: ngrams must be a positive integer, a non-empty array of them, or null, got ${describe(ngrams)}`);
    if (this.widths && split === null) throw new ValueError(`${where}: ngrams need a split: with split null each text is a single token`);
    this.ngrams = ngrams === null ? null : typeof ngrams === 'number' ? ngrams : [...this.widths!];

    const length = config.outputSequenceLength ?? null;
    if (length !== null && this.outputMode !== 'int') throw new ValueError(`${where}: outputSequenceLength is for outputMode 'int' only, got outputMode '${this.outputMode}'`);
    this.outputSequenceLength = length === null ? null : integer(length, 1, MAX_VOCABULARY, where, 'outputSequenceLength');

    const pad = checkBoolean(config.padToMaxTokens ?? false, where, 'padToMaxTokens');
    if (pad && this.outputMode === 'int') throw new ValueError(`${where}: padToMaxTokens is for outputMode 'multiHot', 'count' or 'tfIdf', not 'int'`);
    if (pad && this.maxTokens === null) throw new ValueError(`${where}: padToMaxTokens needs maxTokens`);
    this.padToMaxTokens = pad;

    const { vocabulary, idfWeights } = config;
    if (idfWeights != null && (this.outputMode !== 'tfIdf' || vocabulary == null)) throw new ValueError(`${where}: idfWeights go with outputMode 'tfIdf' and a vocabulary`);
    if (vocabulary != null) this.useVocabulary(vocabulary, idfWeights ?? undefined, where);
  }

  /** Rebuilds a vectorizer from toJSON()'s object (or its JSON text); functions replace 'custom' entries. */
  static fromJSON(json: TextVectorizationJSON | string, functions: Pick<TextVectorizationConfig, 'standardize' | 'split'> = {}): TextVectorization {
    const where = 'TextVectorization.fromJSON()';
    let parsed: unknown = json;
    if (typeof json === 'string') {
      try { parsed = JSON.parse(json); } catch (e) { throw new ValueError(`${where}: not valid JSON (${(e as Error).message})`, { cause: e }); }
    }
    const object = parsed as Partial<TextVectorizationJSON> | null;
    if (typeof object !== 'object' || object === null || object.className !== 'TextVectorization' || typeof object.config !== 'object' || object.config === null) {
      throw new ValueError(`${where}: expected { className: 'TextVectorization', config }, got ${describe(parsed)}`);
    }
    checkKeys(functions, ['standardize', 'split'], where);
    const config: Record<string, unknown> = { ...object.config };
    for (const key of ['standardize', 'split'] as const) {
      if (config[key] === 'custom') {
        if (typeof functions[key] !== 'function') throw new ValueError(`${where}: ${key} was a function, which JSON cannot hold: pass it again, fromJSON(json, { ${key} })`);
        config[key] = functions[key];
      } else if (functions[key] !== undefined) {
        throw new ValueError(`${where}: a ${key} function was given, but the saved ${key} is ${describe(config[key])}`);
      }
    }
    return new TextVectorization(config as TextVectorizationConfig);
  }

  /** Builds the vocabulary (and the idf weights for 'tfIdf') from `texts`, replacing any before. */
  adapt(texts: string | readonly string[]): void {
    const rows = this.tokenizeAll(texts, 'adapt()');
    if (rows.length === 0) throw new ValueError('adapt(): expected at least one text, got an empty array');
    const counts = new Map<string, number>(), documents = new Map<string, number>();
    for (const tokens of rows) {
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      if (this.outputMode === 'tfIdf') for (const token of new Set(tokens)) documents.set(token, (documents.get(token) ?? 0) + 1);
    }
    // The reserved tokens are never learned: they already have their indices.
    counts.delete(PADDING_TOKEN);
    counts.delete(OOV_TOKEN);
    if (counts.size === 0) throw new ValueError(`adapt(): the ${rows.length} texts have no tokens once standardized and split`);
    const sorted = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || compareCodePoints(b, a));
    const learned = this.maxTokens === null ? sorted : sorted.slice(0, this.maxTokens - this.reserved());
    if (learned.length + this.reserved() > MAX_VOCABULARY) throw new ValueError(`adapt(): ${learned.length} distinct tokens exceed the ${MAX_VOCABULARY}-entry vocabulary limit; set maxTokens`);
    let idf: number[] | undefined;
    if (this.outputMode === 'tfIdf') {
      // In float32, as Keras keeps them; the out-of-vocabulary weight is their mean.
      const weights = learned.map((token) => Math.fround(Math.log(1 + rows.length / (1 + documents.get(token)!))));
      idf = [Math.fround(weights.reduce((s, w) => s + w, 0) / weights.length), ...weights];
    }
    this.install(learned, idf);
  }

  /**
   * Sets the vocabulary directly, as Keras's set_vocabulary: `vocabulary` with its reserved entries
   * first (exactly getVocabulary()'s) or without them; `idfWeights`, for 'tfIdf' only, one per entry
   * given (without the reserved entries, out-of-vocabulary tokens weigh their mean).
   */
  setVocabulary(vocabulary: readonly string[], idfWeights?: ArrayLike<number>): void {
    this.useVocabulary(vocabulary, idfWeights, 'setVocabulary()');
  }

  private useVocabulary(vocabulary: readonly string[], idfWeights: ArrayLike<number> | undefined, where: string): void {
    if (!Array.isArray(vocabulary)) throw new ValueError(`${where}: vocabulary must be an array of strings, got ${describe(vocabulary)}`);
    const given: string[] = [];
    for (let i = 0; i < vocabulary.length; i++) {
      if (typeof vocabulary[i] !== 'string') throw new ValueError(`${where}: vocabulary must hold strings, got ${describe(vocabulary[i])} at [${i}]`);
      given.push(vocabulary[i]);
    }
    const special = this.specialTokens();
    const hasSpecial = special.every((token, i) => given[i] === token);
    const learned = hasSpecial ? given.slice(special.length) : given;
    if (learned.length === 0 && !hasSpecial) throw new ValueError(`${where}: the vocabulary is empty`);
    const seen = new Set<string>();
    learned.forEach((token, i) => {
      const at = i + (hasSpecial ? special.length : 0);
      if (token === PADDING_TOKEN) throw new ValueError(`${where}: the padding token '' may only lead the vocabulary, as ${JSON.stringify(special)} in order; found at [${at}]`);
      if (seen.has(token)) throw new ValueError(`${where}: the vocabulary repeats ${describe(token)} (at [${at}])`);
      seen.add(token);
    });
    const size = learned.length + special.length;
    if (this.maxTokens !== null && size > this.maxTokens) throw new ValueError(`${where}: a vocabulary of ${size} entries (with ${JSON.stringify(special)}) exceeds maxTokens ${this.maxTokens}`);
    if (size > MAX_VOCABULARY) throw new ValueError(`${where}: a vocabulary of ${size} entries exceeds the limit of ${MAX_VOCABULARY}`);
    if (this.outputMode !== 'tfIdf') {
      if (idfWeights !== undefined) throw new ValueError(`${where}: idfWeights are for outputMode 'tfIdf' only`);
      this.install(learned);
      return;
    }
    if (idfWeights === undefined) throw new ValueError(`${where}: outputMode 'tfIdf' needs idfWeights, one per vocabulary entry`);
    const weights = Array.from(idfWeights as ArrayLike<unknown>, (w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new ValueError(`${where}: idfWeights must be finite numbers, got ${describe(w)} at [${i}]`);
      return Math.fround(w);
    });
    if (weights.length !== given.length) throw new ValueError(`${where}: idfWeights has ${weights.length} weights for a vocabulary of ${given.length} entries`);
    if (!hasSpecial) weights.unshift(Math.fround(weights.reduce((s, w) => s + w, 0) / weights.length));
    this.install(learned, weights);
  }

  /** The vocabulary, index by index: the reserved entries first unless `includeSpecialTokens` is false. */
  getVocabulary(includeSpecialTokens = true): string[] {
    const learned = this.learned ?? [];
    return includeSpecialTokens ? [...this.specialTokens(), ...learned] : [...learned];
  }

  /** The number of vocabulary entries, the reserved ones included (so the `inputDim` an embedding needs). */
  vocabularySize(): number {
    return this.reserved() + (this.learned?.length ?? 0);
  }

  /** The standardized tokens (n-grams included) of one text, as the vocabulary sees them. */
  tokenize(text: string): string[] {
    return this.tokenizeAll([text], 'tokenize()')[0];
  }

  /**
   * Vectorizes `texts` (one string or an array of them): a flat row-major Float32Array of one row per
   * text, `texts.length × width` (width: outputSequenceLength or the longest row in 'int' mode, the
   * vocabulary size or maxTokens in the others), ready for fit / predict / evaluate.
   */
  apply(texts: string | readonly string[]): Float32Array {
    if (this.learned === null) throw new StateError('apply(): the vectorizer has no vocabulary yet: call adapt(texts) first, or give a vocabulary');
    const rows = this.tokenizeAll(texts, 'apply()');
    if (this.outputMode === 'int') {
      const width = this.outputSequenceLength ?? rows.reduce((m, tokens) => Math.max(m, tokens.length), 0);
      const out = new Float32Array(rows.length * width); // zeros: the padding id
      rows.forEach((tokens, r) => {
        const n = Math.min(tokens.length, width);
        for (let i = 0; i < n; i++) out[r * width + i] = this.lookup(tokens[i]);
      });
      return out;
    }
    const width = this.padToMaxTokens ? this.maxTokens! : this.vocabularySize();
    const out = new Float32Array(rows.length * width);
    rows.forEach((tokens, r) => {
      for (const token of tokens) {
        if (token === PADDING_TOKEN) continue; // dropped, as Keras drops the mask token
        const at = r * width + this.lookup(token);
        out[at] = this.outputMode === 'multiHot' ? 1 : out[at] + 1;
      }
      if (this.outputMode === 'tfIdf') for (let k = 0; k < this.idf!.length; k++) out[r * width + k] *= this.idf![k];
    });
    return out;
  }

  /** The configuration with the vocabulary (and idf weights), for TextVectorization.fromJSON. */
  toJSON(): TextVectorizationJSON {
    const saved = (v: unknown) => (typeof v === 'function' ? 'custom' : v);
    return {
      className: 'TextVectorization',
      config: {
        maxTokens: this.maxTokens,
        standardize: saved(this.standardize) as StandardizeName | 'custom' | null,
        split: saved(this.split) as SplitName | 'custom' | null,
        ngrams: Array.isArray(this.ngrams) ? [...this.ngrams] : this.ngrams,
        outputMode: this.outputMode,
        outputSequenceLength: this.outputSequenceLength,
        padToMaxTokens: this.padToMaxTokens,
        vocabulary: this.learned === null ? null : this.getVocabulary(),
        idfWeights: this.idf === null ? null : Array.from(this.idf),
      },
    };
  }

  // '' and '[UNK]' in 'int' mode; '[UNK]' alone in the others, where there is no padding.
  private specialTokens(): string[] {
    return this.outputMode === 'int' ? [PADDING_TOKEN, OOV_TOKEN] : [OOV_TOKEN];
  }

  private reserved(): number {
    return this.outputMode === 'int' ? 2 : 1;
  }

  private install(learned: string[], idf?: number[]): void {
    this.learned = learned;
    this.index = new Map(learned.map((token, i) => [token, this.reserved() + i]));
    this.idf = idf ? Float32Array.from(idf) : null;
  }

  private lookup(token: string): number {
    if (token === PADDING_TOKEN && this.outputMode === 'int') return 0;
    return this.index.get(token) ?? this.reserved() - 1;
  }

  // Checks the texts and returns each one's tokens; errors name the call and the text's index.
  private tokenizeAll(texts: unknown, where: string): string[][] {
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new ValueError(`${where}: expected a string or an array of strings, got ${describe(texts)}`);
    const rows: string[][] = [];
    for (let i = 0; i < list.length; i++) {
      const text: unknown = list[i];
      if (typeof text !== 'string') throw new ValueError(`${where}: expected strings, got ${describe(text)} at [${i}]`);
      rows.push(this.splitText(this.standardized(text, where, i), where, i));
    }
    return rows;
  }

  private standardized(text: string, where: string, i: number): string {
    const s = this.standardize;
    if (typeof s === 'function') {
      const out: unknown = s(text);
      if (typeof out !== 'string') throw new ValueError(`${where}: the standardize function must return a string, got ${describe(out)} for text [${i}]`);
      return out;
    }
    // toLowerCase is Unicode-aware and locale-independent ('É' → 'é'); TensorFlow lowers ASCII only.
    const lowered = s === 'lower' || s === 'lowerAndStripPunctuation' ? text.toLowerCase() : text;
    return s === 'stripPunctuation' || s === 'lowerAndStripPunctuation' ? lowered.replace(PUNCTUATION, '') : lowered;
  }

  private splitText(text: string, where: string, i: number): string[] {
    let tokens: string[];
    if (this.split === 'whitespace') tokens = text.split(WHITESPACE).filter((t) => t !== '');
    else if (this.split === 'character') tokens = Array.from(text); // code points, not UTF-16 units
    else if (this.split === null) tokens = [text];
    else {
      const out: unknown = this.split(text);
      if (!Array.isArray(out) || !out.every((t) => typeof t === 'string')) throw new ValueError(`${where}: the split function must return an array of strings, got ${describe(out)} for text [${i}]`);
      tokens = out;
    }
    if (this.widths === null) return tokens;
    // All n-grams of the first width, then of the next (as tf.strings.ngrams), joined by a space.
    const grams: string[] = [];
    for (const n of this.widths) for (let k = 0; k + n <= tokens.length; k++) grams.push(n === 1 ? tokens[k] : tokens.slice(k, k + n).join(' '));
    return grams;
  }
}

function integer(value: unknown, min: number, max: number, where: string, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new ValueError(`${where}: ${key} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

// Orders strings by code point (as UTF-8 bytes order), not by UTF-16 unit: a surrogate pair
// (U+10000 and up) must sort after U+E000–U+FFFF, so surrogates are moved above that range.
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  return unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
