// Preloaded (-r) before the register entry: every ES module the process loads is logged
// to the file ESM_LOAD_LOG, one URL a line (module.register's load hook, which runs on
// the loader's thread and sees every import, including import() from a CommonJS module).
const { register } = require("node:module");
const { pathToFileURL } = require("node:url");

register(pathToFileURL(`${__dirname}/esm-load-log-hooks.mjs`));
