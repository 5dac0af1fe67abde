// What both MNIST examples do once their model is built: train with a line per epoch, then score
// the held-out digits, show a few of them read, and fail (exit code 1) below the promised accuracy.

/** Fits `model` on `train`, evaluates it on `test`, prints it all; `t0` is when the script began. */
export async function trainAndReport(model, { train, test, epochs, batchSize, pixels, promised, t0 }) {
  const fitStart = performance.now();
  await model.fit(train.x, train.y, {
    epochs,
    batchSize,
    shuffle: true,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const seconds = ((performance.now() - fitStart) / 1000).toFixed(1);
        console.log(`  epoch ${String(epoch + 1).padStart(2)}/${epochs}  loss ${logs.loss.toFixed(4)}  accuracy ${(100 * logs.accuracy).toFixed(2)}%  learning rate ${logs.lr.toExponential(1)}  (${seconds} s)`);
      },
    },
  });
  const trainSeconds = (performance.now() - fitStart) / 1000;

  const scores = model.evaluate(test.x, test.y);
  // Five test images spread over the test set (it is ordered by digit), and what the network reads.
  const picks = [0, 1, 2, 3, 4].map((i) => Math.floor(((i + 0.5) * test.rows) / 5));
  const guesses = picks.map((row) => {
    const p = model.predict(test.x.subarray(row * pixels, (row + 1) * pixels));
    return p.indexOf(Math.max(...p));
  });

  console.log(`
Held-out test: ${test.rows} digits the network never saw.
  test loss ${scores.loss.toFixed(4)}, test accuracy ${(100 * scores.accuracy).toFixed(2)}%
  e.g. five test images show the digits ${picks.map((r) => test.labels[r]).join(', ')}; the network read ${guesses.join(', ')}.

Training took ${trainSeconds.toFixed(1)} s (${Math.round((epochs * train.rows) / trainSeconds)} images/s, ${train.rows} per epoch); ${((performance.now() - t0) / 1000).toFixed(1)} s in all.
`);
  model.dispose();
  if (scores.accuracy < promised) {
    console.error(`Test accuracy is below the ${100 * promised}% this demo is expected to reach.`);
    process.exitCode = 1;
  }
}
