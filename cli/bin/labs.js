#!/usr/bin/env node
"use strict";
// The `labs` command: TypeScript support (for the CLI and the programs it evaluates), then the CLI.
require("../ts-require.js");
require("../main.ts")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
