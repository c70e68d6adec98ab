"use strict";
// An analyzer plugin process, as the Pulumi CLI starts one for `--policy-pack DIR`: the pack
// runs with DIR as its working directory (its package.json gives the version) and prints the
// port of its gRPC server. TypeScript is compiled by the project's loader instead of ts-node.
require("../ts-require.js");
const packDir = process.argv[2];
process.chdir(packDir);
require(packDir);
