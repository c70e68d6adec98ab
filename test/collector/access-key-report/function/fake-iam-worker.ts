// The fake IAM server on its own thread, for measurements: in-process, the fake's request
// handling shares the event loop with the SDK under test and slows it in a way real IAM,
// on the other side of a network, never would. Only plain options cross the thread boundary
// (no failure predicates, no per-user key counts).
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { FakeIamOptions, FakeIamStats } from "./fake-iam";

export type WorkerFakeIamOptions = Omit<FakeIamOptions, "keysPerUser" | "failures"> & { keysPerUser?: number };

export interface WorkerFakeIam {
    url: string;
    statistics(): Promise<FakeIamStats>;
    close(): Promise<void>;
}

type Reply = { url: string } | { stats: FakeIamStats } | { closed: true } | { error: string };

// Runs in the worker: starts the fake and answers the parent's questions. The worker inherits
// the parent's `-r ./cli/ts-require.js`, so it can load the TypeScript fake.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { FakeIam } = require(workerData.module);
FakeIam.start(workerData.options).then((fake) => {
    parentPort.postMessage({ url: fake.url });
    parentPort.on("message", async (message) => {
        if (message === "stats") parentPort.postMessage({ stats: fake.statistics });
        if (message === "close") { await fake.close(); parentPort.postMessage({ closed: true }); }
    });
}, (error) => parentPort.postMessage({ error: String(error) }));
`;

export async function startFakeIamInWorker(options: WorkerFakeIamOptions): Promise<WorkerFakeIam> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: path.join(__dirname, "fake-iam.ts"), options } });
    const next = () =>
        new Promise<Reply>((resolve, reject) => {
            worker.once("message", resolve);
            worker.once("error", reject);
        });
    const first = await next();
    if (!("url" in first)) throw new Error(`the fake IAM worker did not start: ${"error" in first ? first.error : "no url"}`);
    return {
        url: first.url,
        async statistics() {
            const reply = next();
            worker.postMessage("stats");
            const answer = await reply;
            if (!("stats" in answer)) throw new Error("the fake IAM worker sent no statistics");
            return answer.stats;
        },
        async close() {
            const reply = next();
            worker.postMessage("close");
            await reply;
            await worker.terminate();
        },
    };
}
