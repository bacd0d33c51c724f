// The dashboard benchmarks (not tests): same browser settings as the tests.
const base = require('../playwright.config.js');

module.exports = { ...base, testDir: '.', testMatch: '*.bench.js', outputDir: '../test-results/bench', reporter: [['list']] };
