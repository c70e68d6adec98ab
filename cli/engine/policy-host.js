"use strict";
// An analyzer plugin process, as the Pulumi CLI starts one for `--policy-pack DIR`: the pack
// runs with DIR as its working directory (its package.json gives the version) and prints the
// port of its gRPC server. TypeScript is compiled by the project's loader instead of ts-node.
//
// Besides, for `labs check` to report a broken pack in one line and to name a policy that never
// returns, this host appends marker lines to the file LABS_POLICY_MARKERS names (a file, not
// stderr: a synchronous write to a full pipe fails with EAGAIN), which PolicyHost reads:
//   \0labs-load-error {"message", "where"}   the pack failed to load (then exit 3)
//   \0labs-policy-start <id> <policy>         a policy began judging a resource or the stack
//   \0labs-policy-end <id>                    ... and returned (or threw)
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { originalPosition } = require("../ts-require.js");

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const packDir = path.resolve(process.argv[2]);
const markers = process.env.LABS_POLICY_MARKERS ? fs.openSync(process.env.LABS_POLICY_MARKERS, "a") : undefined;
const marker = (text) => markers !== undefined && fs.writeSync(markers, `\0${text}\n`);

// A pack outside the project may have no node_modules of its own: whatever it cannot resolve
// (@pulumi/policy, @pulumi/aws, ...) comes from the project's, as if installed beside it.
const projectModule = { id: PROJECT_ROOT, filename: path.join(PROJECT_ROOT, "index.js"), paths: Module._nodeModulePaths(PROJECT_ROOT) };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
    try {
        return resolve.call(this, request, parent, ...rest);
    } catch (err) {
        if (err && err.code === "MODULE_NOT_FOUND" && !request.startsWith(".") && !path.isAbsolute(request)) return resolve.call(this, request, projectModule, ...rest);
        throw err;
    }
};

// Each policy's judgement is bracketed by markers, so a policy that never returns can be named.
let served = false;
let nextCall = 0;
function bracket(name, fn) {
    if (typeof fn !== "function") return fn;
    const wrapped = function (...args) {
        const id = nextCall++;
        marker(`labs-policy-start ${id} ${name}`);
        const end = () => marker(`labs-policy-end ${id}`);
        try {
            const result = fn.apply(this, args);
            if (result && typeof result.then === "function") result.then(end, end);
            else end();
            return result;
        } catch (err) {
            end();
            throw err;
        }
    };
    return Object.assign(wrapped, fn); // keeps __pulumiType, which routes the policy to its resource type
}
try {
    const server = require(resolveFromPack("@pulumi/policy/server"));
    const serve = server.serve;
    server.serve = function (name, version, level, args, initialConfig) {
        served = true;
        for (const policy of (args && args.policies) || []) {
            for (const key of ["validateResource", "validateStack", "remediateResource"]) {
                const v = policy[key];
                if (v !== undefined) policy[key] = Array.isArray(v) ? v.map((f) => bracket(policy.name, f)) : bracket(policy.name, v);
            }
        }
        return serve.call(this, name, version, level, args, initialConfig);
    };
} catch {
    // No @pulumi/policy to be found: the pack's own require says so, below.
}

process.chdir(packDir);
try {
    require(packDir);
} catch (err) {
    loadError(err);
}
// A pack may create its PolicyPack later (after an await or a timer): only once nothing is left to
// run without one has it truly created none. A serving pack keeps the event loop busy for ever.
process.on("beforeExit", () => {
    if (served) return;
    marker(`labs-load-error ${JSON.stringify({ message: "it loaded but created no PolicyPack (new PolicyPack(...) from @pulumi/policy starts the analyzer)" })}`);
    process.exit(3);
});
// After it serves, a pack that throws from a timer or ends its process takes the analyzer down:
// say why, so the check can name it rather than a dropped connection.
const crashed = (err) => {
    if (!served) return loadError(err);
    marker(`labs-pack-crash ${JSON.stringify({ message: String((err && err.message) || err).split("\n")[0] })}`);
    process.exit(4);
};
process.on("uncaughtException", crashed);
process.on("unhandledRejection", crashed);
process.on("exit", (code) => {
    if (served) marker(`labs-pack-crash ${JSON.stringify({ message: `the pack's process exited with code ${code}` })}`);
});

function resolveFromPack(request) {
    return Module._resolveFilename(request, { id: packDir, filename: path.join(packDir, "index.js"), paths: Module._nodeModulePaths(packDir) });
}

function loadError(err) {
    const lines = String((err && err.message) || err).split("\n");
    // esbuild's syntax errors: "Transform failed with 1 error:", then "<file>:<line>:<col>: ERROR: <what>".
    const message = /^Transform failed/.test(lines[0]) && lines[1] ? lines[1].replace(/^.*?:\d+:\d+: ERROR: /, "syntax error: ") : lines[0];
    const syntax = /^Transform failed/.test(lines[0]) ? /^(.*?):(\d+):\d+: ERROR/.exec(lines[1] || "") : null;
    let where = syntax ? `${syntax[1]}:${syntax[2]}` : undefined;
    for (const line of String((err && err.stack) || "").split("\n")) {
        const frame = /\(?([^\s()]+):(\d+):(\d+)\)?$/.exec(line.trim());
        if (where || !frame || !frame[1].startsWith(packDir + path.sep) || frame[1].includes(`${path.sep}node_modules${path.sep}`)) continue;
        const mapped = originalPosition(frame[1], Number(frame[2]), Number(frame[3]));
        where = `${frame[1]}:${mapped ? mapped.line : frame[2]}`;
        break;
    }
    marker(`labs-load-error ${JSON.stringify({ message, where })}`);
    process.exit(3);
}
