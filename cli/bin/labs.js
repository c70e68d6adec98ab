#!/usr/bin/env node
"use strict";
// The `labs` command: TypeScript support (for the CLI and the programs it evaluates), then the CLI.
require("../ts-require.js");
// `labs plan | head` closes the pipe early: stop quietly, as Unix tools do, instead of a trace.
for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err) => {
        if (err && err.code === "EPIPE") process.exit(0);
        throw err;
    });
}
require("../main.ts")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
