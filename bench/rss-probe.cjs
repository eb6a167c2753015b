// Preloaded (-r) into every child of bench/register-startup.mjs, with or without the
// register entry alike: reports the process's peak RSS and live heap as it exits.
process.on("exit", () => {
  const report = { maxRssKb: process.resourceUsage().maxRSS, heapUsed: process.memoryUsage().heapUsed };
  process.stderr.write(`rss-probe ${JSON.stringify(report)}\n`);
});
