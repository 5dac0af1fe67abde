// A CommonJS script: require('neurite') (Node >= 20.19 loads the ES module graph synchronously).
const train = require('./train.js');
train(require('neurite')).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
