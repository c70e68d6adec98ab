#!/usr/bin/env node
"use strict";
// Runs a command, passes its output through, and fails when the output holds a warning line that
// nobody has triaged: npm's warnings, Node's process warnings (deprecations among them), Pulumi's
// leaked-promise notice, and any other line that says it is a warning or a deprecation. Lines that
// are known and cannot be fixed are listed, with the reason, in .ci/allowed-warnings.txt.
//   node .ci/no-new-warnings.js npm test
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const WARNING = [
    /^npm (warn|WARN)\b/, // npm: install scripts, deprecated packages, engine mismatches, config
    /^\(node:\d+\) /, // Node: DeprecationWarning, ExperimentalWarning, the AWS SDK's NodeVersionSupportWarning...
    /promises were still active/i, // Pulumi's runtime: a program left work unfinished
    /^\s*(warning|warn|deprecated)\b[:\s]/i, // tools that start a line with "warning:" (Pulumi, tsc, esbuild)
    /\bDEPRECAT(ED|ION)\b/, // vitest and friends shout deprecations
    /\bis deprecated\b/i,
];

function allowList() {
    const file = path.join(__dirname, "allowed-warnings.txt");
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => new RegExp(l));
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
    console.error("usage: node .ci/no-new-warnings.js <command> [args...]");
    process.exit(2);
}
const allowed = allowList();
const untriaged = [];
const scan = (stream, out) => {
    let rest = "";
    stream.on("data", (chunk) => {
        out.write(chunk);
        const lines = (rest + chunk.toString()).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) check(line);
    });
    stream.on("end", () => rest && check(rest));
};
// eslint-disable-next-line no-control-regex
const plain = (line) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
function check(raw) {
    const line = plain(raw);
    if (WARNING.some((w) => w.test(line)) && !allowed.some((a) => a.test(line))) untriaged.push(line);
}

const child = spawn(command, args, { stdio: ["inherit", "pipe", "pipe"] });
scan(child.stdout, process.stdout);
scan(child.stderr, process.stderr);
child.on("error", (err) => {
    console.error(`no-new-warnings: cannot run ${command}: ${err.message}`);
    process.exit(2);
});
child.on("close", (code, signal) => {
    if (code !== 0) process.exit(code ?? 1);
    if (signal) process.exit(1);
    if (untriaged.length) {
        console.error(`\n${[command, ...args].join(" ")} printed ${untriaged.length} warning line(s) nobody has triaged:`);
        for (const line of untriaged) console.error(`  ${line}`);
        console.error("Fix the cause, or add a pattern with the reason to .ci/allowed-warnings.txt.");
        process.exit(1);
    }
});
