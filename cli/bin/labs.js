#!/usr/bin/env node
"use strict";
// The `labs` command: TypeScript support (for the CLI and the programs it evaluates), then the CLI.
require("../ts-require.js");
// `labs plan | head` closes the pipe early: stop quietly instead of a trace, with the status a
// command killed by SIGPIPE has (128 + 13), so a pipeline with pipefail cannot mistake it for success.
for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err) => {
        if (err && err.code === "EPIPE") process.exit(141);
        throw err;
    });
}
require("../main.ts")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
