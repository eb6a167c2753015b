// CommonJS by syntax: the nearest package.json has no "type".
require("../cjs-probe.cjs");
