// What fit({ verbose }) prints, as Keras prints it. 0 is silent; 2 prints one line per epoch; 1
// draws a live bar per epoch when stdout is a terminal, redrawn in place at most every REDRAW_MS,
// and elsewhere (CI logs, files, browsers, workers) prints the same lines as 2, which a log keeps.
// Node's stdout is reached through globalThis.process, never an import: browsers bundle fit.ts.
import type { Logs } from './callbacks.js';
import { ValueError, describe } from './errors.js';

/** fit()'s `verbose`: 0 silent, 1 a progress bar on a terminal (else as 2), 2 one line per epoch. */
export type Verbosity = 0 | 1 | 2;

// Keras redraws its bar at most every 0.05 s; a tenth of a second looks as live and costs half.
const REDRAW_MS = 100;
const BAR_WIDTH = 30;

/** The part of Node's process.stdout (a tty.WriteStream on a terminal) the bar uses. */
interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** `verbose` as given to fit(), checked: a ValueError names the accepted values. */
export function checkVerbose(value: unknown, where: string): Verbosity {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new ValueError(`${where}: verbose must be 0 (silent), 1 (a progress bar on a terminal, else a line per epoch) or 2 (a line per epoch), got ${describe(value)}`);
}

/**
 * Prints one fit()'s progress. fit() calls epochBegin and epochEnd around each epoch and, after each
 * chunk of batches, draw() only when due() says so: due() is a comparison, so the batches run as
 * fast as without a bar, and the running logs are read at most every REDRAW_MS.
 */
export class Progress {
  // The terminal to draw the bar on; undefined prints plain lines instead.
  private readonly terminal: Terminal | undefined;
  private epochStart = 0;
  private lastDraw = 0;
  // Characters of the bar now on the line, so a shorter redraw blanks the longer one's tail.
  private shown = 0;

  constructor(verbose: 1 | 2, private readonly epochs: number, private readonly batches: number) {
    const stdout = (globalThis as { process?: { stdout?: Terminal } }).process?.stdout;
    const tty = verbose === 1 && stdout?.isTTY === true && typeof stdout.write === 'function';
    this.terminal = tty ? stdout : undefined;
  }

  /** The epoch starts (counted from 0) at time `now`, in ms. */
  epochBegin(epoch: number, now: number): void {
    this.epochStart = this.lastDraw = now;
    this.terminal?.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  /** Whether a redraw is due at time `now`: never without a terminal, else REDRAW_MS after the last. */
  due(now: number): boolean {
    return this.terminal !== undefined && now - this.lastDraw >= REDRAW_MS;
  }

  /** Redraws the bar: `done` batches of the epoch trained, with the running logs so far. */
  draw(done: number, logs: Logs, now: number): void {
    this.lastDraw = now;
    const eta = ((now - this.epochStart) / done) * (this.batches - done);
    let line = `${this.bar(done)} - ETA: ${duration(eta)}${kerasLogs(logs)}`;
    // A line longer than the terminal wraps, and \r then redraws only its last row.
    const columns = this.terminal?.columns;
    if (columns && line.length >= columns) line = line.slice(0, columns - 1);
    this.rewrite(line);
  }

  /** The epoch ended after `done` batches (fewer when training stopped early) with these logs. */
  epochEnd(epoch: number, done: number, logs: Logs, now: number): void {
    const ms = now - this.epochStart;
    if (!this.terminal) {
      console.log(`Epoch ${epoch + 1}/${this.epochs} - ${Math.round(ms)}ms${kerasLogs(logs)}`);
      return;
    }
    this.rewrite(`${this.bar(done)} - ${duration(ms)} ${Math.round(ms / done)}ms/step${kerasLogs(logs)}`);
    this.terminal.write('\n');
    this.shown = 0;
  }

  /** fit() failed mid-epoch: ends the bar's line, so what prints next starts on its own. */
  abort(): void {
    if (this.terminal && this.shown > 0) this.terminal.write('\n');
    this.shown = 0;
  }

  // ` 7/20 [==========>...................]`: the count padded to the total's width, as Keras.
  private bar(done: number): string {
    const total = String(this.batches);
    const filled = Math.floor((BAR_WIDTH * done) / this.batches);
    const body = done >= this.batches ? '='.repeat(BAR_WIDTH) : `${'='.repeat(filled)}>${'.'.repeat(BAR_WIDTH - filled - 1)}`;
    return `${String(done).padStart(total.length)}/${total} [${body}]`;
  }

  private rewrite(line: string): void {
    this.terminal!.write(`\r${line}${' '.repeat(Math.max(0, this.shown - line.length))}`);
    this.shown = line.length;
  }
}

// The logs as Keras prints them, on the bar and on the plain line: ` - loss: 0.4211 - accuracy: 0.8125`.
function kerasLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => ` - ${k}: ${v.toPrecision(4)}`).join('');
}

// 3s, 1:05, 1:02:05: as Keras prints an ETA.
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}
