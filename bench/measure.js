// Times one task with tinybench and turns its median time per call into a rate: on a shared
// machine the median shrugs off the calls another process interrupted, for every library alike.
import { Bench } from 'tinybench';

/**
 * Budgets per task, in ms and calls: tinybench runs a task until both the time and the number of
 * calls are reached, so slow tasks (tfjs-cpu on the wide network: seconds per call) stop after
 * `iterations` calls while fast ones fill the time.
 */
export const BUDGETS = {
  quick: { time: 200, warmupTime: 100, iterations: 1, warmupIterations: 2 },
  full: { time: 1500, warmupTime: 400, iterations: 3, warmupIterations: 2 },
};

/**
 * A task is { library, work, flop?, async?, note?, prepare } where prepare() resolves to
 * { run, dispose }: `run` does a fixed amount of work per call (`work` steps or samples, `flop`
 * floating-point operations) so timer overhead is negligible. A library that cannot run the
 * workload is { library, unsupported: 'why' }.
 *
 * Resolves to { library, rate (work per second), gflops, rme (±% at 95%), runs, note }; a task
 * that throws is reported with its error as the note instead of ending the whole run.
 */
export async function measure(task, budget) {
  const { library, work, flop, note } = task;
  if (task.unsupported) return { library, note: task.unsupported };
  let prepared;
  try {
    prepared = await task.prepare();
    const bench = new Bench({ ...budget, throws: true });
    // `async` is given so tinybench does not call the task once to find out.
    bench.add(library, prepared.run, { async: task.async ?? false });
    await bench.run();
    const { latency } = bench.tasks[0].result;
    const median = latency.p50;
    return {
      library,
      rate: (work * 1000) / median,
      gflops: flop === undefined ? undefined : flop / median / 1e6,
      rme: latency.rme,
      runs: latency.samplesCount,
      note,
    };
  } catch (error) {
    return { library, note: `failed: ${error.message}` };
  } finally {
    await prepared?.dispose();
  }
}

/** A function that returns the items of a fixed list in turn, forever. */
export function cycle(items) {
  let i = 0;
  return () => items[i++ % items.length];
}

/** Measures tasks one after the other (never two libraries at once). */
export async function measureAll(tasks, budget) {
  const results = [];
  for (const task of tasks) results.push(await measure(task, budget));
  return results;
}
