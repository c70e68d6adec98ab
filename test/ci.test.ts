// .ci/no-new-warnings.js is what keeps installs, tests and plans quiet: it must catch each kind of
// warning line the toolchain prints, pass ordinary output, and keep the command's own exit code.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support";

const gate = path.join(ROOT, ".ci", "no-new-warnings.js");
const run = (code: string) => spawnSync(process.execPath, [gate, process.execPath, "-e", code], { encoding: "utf8" });

describe(".ci/no-new-warnings.js", () => {
    it.each([
        ["a Node deprecation", `process.emitWarning("Buffer() is old", "DeprecationWarning")`],
        ["the AWS SDK's Node support notice", `process.emitWarning("NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will require node >=22.")`],
        ["npm's install-scripts warning", `console.error("npm warn install-scripts 3 packages have install scripts not yet covered by allowScripts:")`],
        ["Pulumi's leaked-promise notice", `console.error("The Pulumi runtime detected that 20 promises were still active")`],
        ["a tool's warning: line", `console.log("\\u001b[33mwarning:\\u001b[39m something odd")`],
        ["a deprecation notice", `console.log(" DEPRECATED  'poolOptions' is deprecated")`],
    ])("fails on %s, after passing the output through", (_kind, code) => {
        const r = run(code);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/printed 1 warning line\(s\) nobody has triaged/);
    });

    it("passes ordinary output, test names that mention warnings included", () => {
        const r = run(`console.log(" ✓ draws without Graphviz warnings 12ms"); console.log("Tests  9 passed (9)")`);
        expect(r.stdout).toContain("draws without Graphviz warnings");
        expect(r.status).toBe(0);
    });

    it("keeps the command's own failure", () => {
        expect(run(`process.exit(7)`).status).toBe(7);
    });
});
