// CI workflows: valid YAML, the inputs pulumi/actions documents, no secrets where fork code runs.
import * as fs from "node:fs";
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

    it("comment from a separate workflow that never checks out the pull request's code", () => {
        const { doc } = read("offline-comment.yml");
        expect(Object.keys(doc.on)).toEqual(["workflow_run"]);
        expect(steps(doc).map((s) => s.uses ?? "")).not.toContainEqual(expect.stringMatching(/^actions\/checkout@/));
        expect(doc.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    });
});
