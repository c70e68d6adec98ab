"use strict";
// Entry point of an evaluation child process: TypeScript support, then the child logic.
require("../ts-require.js");
require("./child.ts");
