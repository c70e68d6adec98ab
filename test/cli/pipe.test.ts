// A reader that stops early (`labs plan | head`) ends the command quietly, without a trace.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";

it("stops quietly when the reader of its output goes away", async () => {
    const child = spawn(process.execPath, [LABS_CLI, "plan", "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Read one chunk of the plan (about 1 MB, far more than a pipe holds), then close the pipe, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    // 141 = 128 + SIGPIPE, what a Unix tool killed by a closed pipe reports.
    expect(code).toBe(141);
});
