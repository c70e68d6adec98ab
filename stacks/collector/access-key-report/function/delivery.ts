// Delivers records while the IAM listing is still running, a batch at a time, and saves the
// day's checkpoint after each batch: a run stopped by its time budget, a failed call or Lambda
// itself has already delivered and recorded most of its work, and the retry sends only the rest.
// Batches go one after another (each is itself uploaded in parallel calls by the client), so the
// checkpoint is always written after the batch it describes.
import type { AccessKeyRecord } from "../schema";
import type { Logger } from "../../shared/runtime/log";
import { describeError } from "../../shared/runtime/log";
import type { DeliveryCheckpoint } from "./checkpoint";
import { sendRecords } from "./upload";
import type { Ingestion, IngestionTarget, UploadOutcome } from "./upload";

/** Records per batch: about 3 MB of JSON, a few upload calls, a checkpoint write every couple of seconds at most. */
export const DELIVERY_BATCH_RECORDS = 2000;

export interface DeliveryOptions {
    ingestion: Promise<Ingestion>;
    target: IngestionTarget;
    checkpoint: DeliveryCheckpoint;
    log: Logger;
    now: () => Date;
    batchRecords?: number;
    /** Aborts uploads and checkpoint writes in flight (the run's final margin). */
    signal?: AbortSignal;
}

export interface DeliveryResult {
    /** Records this run delivered. */
    delivered: number;
    notDelivered: number;
    failedCalls: number;
    causes: string[];
    /** The checkpoint could not be saved after the last batch: a retry will send some records again. */
    checkpointError?: string;
}

export class Delivery {
    private pending: AccessKeyRecord[] = [];
    private chain: Promise<void> = Promise.resolve();
    private readonly result: DeliveryResult = { delivered: 0, notDelivered: 0, failedCalls: 0, causes: [] };
    private readonly batchRecords: number;

    constructor(private readonly options: DeliveryOptions) {
        this.batchRecords = options.batchRecords ?? DELIVERY_BATCH_RECORDS;
        // Until a batch needs it, a refused sign-in is the caller's to report; never unhandled here.
        options.ingestion.catch(() => undefined);
    }

    add(record: AccessKeyRecord): void {
        this.pending.push(record);
        if (this.pending.length >= this.batchRecords) this.startBatch();
    }

    /** Delivers what is left, waits for every batch and returns the totals. */
    async finish(): Promise<DeliveryResult> {
        if (this.pending.length > 0) this.startBatch();
        await this.chain;
        return { ...this.result, causes: [...new Set(this.result.causes)] };
    }

    private startBatch(): void {
        const batch = this.pending;
        this.pending = [];
        this.chain = this.chain.then(() => this.deliver(batch));
        // finish() reports a failure; until then it must not count as unhandled (Lambda's
        // runtime ends the process on an unhandled rejection).
        this.chain.catch(() => undefined);
    }

    private async deliver(batch: AccessKeyRecord[]): Promise<void> {
        const { target, checkpoint, log, signal } = this.options;
        let outcome: UploadOutcome;
        if (signal?.aborted) {
            outcome = { deliveredIds: [], notDelivered: batch.length, causes: [`stopped: ${describeError(signal.reason)}`], failedCalls: 0 };
        } else {
            const ingestion = await this.options.ingestion;
            outcome = await sendRecords(ingestion, target, batch, signal);
        }
        this.result.delivered += outcome.deliveredIds.length;
        this.result.notDelivered += outcome.notDelivered;
        this.result.failedCalls += outcome.failedCalls;
        this.result.causes.push(...outcome.causes);
        if (outcome.notDelivered > 0) log.warn("batch-not-fully-delivered", { records: batch.length, notDelivered: outcome.notDelivered, causes: outcome.causes.join("; ") });
        if (outcome.deliveredIds.length === 0) return;
        checkpoint.add(outcome.deliveredIds);
        try {
            await checkpoint.save(this.options.now(), signal);
            this.result.checkpointError = undefined;
        } catch (error) {
            // The records are in the table; without the checkpoint a retry sends them again,
            // and the queries still show each once.
            this.result.checkpointError = describeError(error);
            log.warn("checkpoint-not-saved", { error: this.result.checkpointError });
        }
    }
}
