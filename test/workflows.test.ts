// CI workflows: valid YAML, the inputs pulumi/actions documents, no secrets where fork code runs.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Workflow {
    on: Record<string, unknown>;
    defaults?: { run?: { shell?: string } };
    permissions: Record<string, string>;
    jobs: Record<string, { steps: Step[]; if?: string }>;
}

const read = (name: string) => {
    const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8");
    return { text, doc: load(text) as Workflow };
};
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

// pulumi/actions v6 action.yml inputs.
const PULUMI_ACTION_INPUTS = [
    "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message",
    "config-map", "expect-no-changes", "diff", "replace", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
    "suppress-outputs", "suppress-progress", "always-include-summary",
];

describe("the preview workflow", () => {
    const { doc } = read("preview.yml");

    it("runs pulumi preview with the policy pack through pulumi/actions, with documented inputs only", () => {
        const step = steps(doc).find((s) => s.uses?.startsWith("pulumi/actions@"));
        expect(step?.with).toMatchObject({ command: "preview", policyPacks: "policies", "comment-on-pr": true });
        for (const key of Object.keys(step?.with ?? {})) expect(PULUMI_ACTION_INPUTS).toContain(key);
    });

    it("signs in to Azure and AWS with OIDC, with no long-lived keys", () => {
        expect(doc.permissions["id-token"]).toBe("write");
        const uses = steps(doc).map((s) => s.uses ?? "");
        expect(uses).toEqual(expect.arrayContaining([expect.stringMatching(/^azure\/login@/), expect.stringMatching(/^aws-actions\/configure-aws-credentials@/)]));
        expect(JSON.stringify(doc)).not.toMatch(/AWS_SECRET_ACCESS_KEY|ARM_CLIENT_SECRET|aws-secret-access-key|client-secret/);
        expect(doc.jobs.preview.if).toContain("head.repo.full_name == github.repository");
    });
});

describe("the offline workflows", () => {
    it("plan and check pull requests, forks included, read-only and without secrets", () => {
        const { doc, text } = read("offline.yml");
        expect(Object.keys(doc.on)).toEqual(["pull_request"]);
        expect(doc.permissions).toEqual({ contents: "read" });
        expect(text).not.toContain("secrets.");
        const runs = steps(doc).map((s) => s.run ?? "").join("\n");
        expect(runs).toContain("npx labs plan --stack dev");
        expect(runs).toContain("npx labs check --stack dev");
    });

    it("run steps under bash with pipefail, so `labs plan | tee` fails when labs plan fails", () => {
        const { doc } = read("offline.yml");
        expect(doc.defaults?.run?.shell).toBe("bash");
        const failing = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", "false | tee /dev/null"]);
        expect(failing.status).not.toBe(0);
    });

    it("comment from a separate workflow that never checks out the pull request's code", () => {
        const { doc } = read("offline-comment.yml");
        expect(Object.keys(doc.on)).toEqual(["workflow_run"]);
        expect(steps(doc).map((s) => s.uses ?? "")).not.toContainEqual(expect.stringMatching(/^actions\/checkout@/));
        expect(doc.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    });
});

describe("the comment step, run with a stand-in for gh", () => {
    const { doc } = read("offline-comment.yml");
    const script = steps(doc).find((s) => s.run?.includes("gh api"))?.run ?? "";

    /** Runs the step in a scratch directory with a report for pull request 7 and a fake `gh` that logs its calls. */
    function runStep(opts: { prHead: string; runHead: string; existing?: string }) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-comment-"));
        fs.mkdirSync(path.join(dir, "report"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "report", "pr-number"), "7\n");
        fs.writeFileSync(path.join(dir, "report", "comment.md"), "<!-- labs-offline-report -->\n### labs plan (offline)\n");
        const gh = [
            "#!/bin/bash",
            'echo "$*" >> "$GH_LOG"',
            'case "$*" in',
            '  *"pulls/7 --jq .head.sha"*) echo "$FAKE_PR_HEAD" ;;',
            '  *"--paginate repos/o/r/issues/7/comments"*) if [ -n "$FAKE_EXISTING" ]; then printf "%s\\n%s\\n" "$FAKE_EXISTING" "999"; fi ;;',
            '  *"-F body=@body.md"*) cp body.md "$GH_LOG.body" ;;',
            "esac",
        ].join("\n");
        fs.writeFileSync(path.join(dir, "bin", "gh"), gh, { mode: 0o755 });
        const log = path.join(dir, "gh.log");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, GH_LOG: log, REPO: "o/r", HEAD_SHA: opts.runHead, FAKE_PR_HEAD: opts.prHead, FAKE_EXISTING: opts.existing ?? "" },
        });
        const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
        const body = fs.existsSync(`${log}.body`) ? fs.readFileSync(`${log}.body`, "utf8") : undefined;
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, body };
    }

    it("does not comment when the pull request has moved on from the commit the report is for", () => {
        const r = runStep({ prHead: "bbb", runHead: "aaa" });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain("pull request #7 is at bbb, the report is for aaa: not commenting");
        expect(r.calls).toEqual(["api repos/o/r/pulls/7 --jq .head.sha"]);
    });

    it("creates a comment carrying the hidden marker once", () => {
        const r = runStep({ prHead: "aaa", runHead: "aaa" });
        expect(r.status).toBe(0);
        expect(r.calls.at(-1)).toBe("api --method POST repos/o/r/issues/7/comments -F body=@body.md");
        expect(r.body).toBe("<!-- labs-offline-report -->\n### labs plan (offline)\n");
    });

    it("updates its own earlier comment, found by the marker, instead of adding another", () => {
        const r = runStep({ prHead: "aaa", runHead: "aaa", existing: "12345" });
        expect(r.status).toBe(0);
        expect(r.calls.at(-1)).toBe("api --method PATCH repos/o/r/issues/comments/12345 -F body=@body.md");
    });
});
