// The per-day delivery checkpoint: the ids of the records the Logs Ingestion API accepted for a
// day, kept in S3 so that a retry of the same day (Lambda's two retries, a rerun by hand) sends
// only what is still missing and skips the IAM calls for keys already reported.
//
// S3 rather than SSM Parameter Store: a standard parameter holds 4 KB (an advanced one 8 KB), and
// a day of 10,000 keys is 330 KB of ids; an object takes any size, is strongly consistent after a
// put, and expires by a lifecycle rule instead of piling up.
//
// Losing the checkpoint costs time and duplicate rows, never records: the queries show each
// RecordId once. So an unreadable checkpoint is a warning and the run sends everything.
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";

export const CHECKPOINT_PREFIX = "access-key-report/";
const FORMAT = 1;

export interface CheckpointTarget {
    bucket: string;
    /** The data collection rule's immutable id: a new rule (a rebuilt lab) starts with no checkpoint. */
    dcrImmutableId: string;
}

interface CheckpointDocument {
    format: typeof FORMAT;
    day: string;
    dcrImmutableId: string;
    /** RecordIds the ingestion API accepted, sorted. */
    delivered: string[];
    updatedAt: string;
}

/** The object key of a day's checkpoint: access-key-report/<rule>/<YYYY-MM-DD>.json. */
export function checkpointKey(target: CheckpointTarget, day: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`checkpoint day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    return `${CHECKPOINT_PREFIX}${target.dcrImmutableId}/${day}.json`;
}

/** The checkpoint could not be read or written; the message names the object and S3's answer. */
export class CheckpointError extends Error {
    override readonly name = "CheckpointError";
}

export class DeliveryCheckpoint {
    readonly delivered = new Set<string>();
    /** Ids the checkpoint held when the run read it: records a previous attempt delivered. */
    readonly before: number;

    private constructor(
        private readonly s3: S3Client,
        private readonly target: CheckpointTarget,
        readonly day: string,
        ids: readonly string[],
    ) {
        for (const id of ids) this.delivered.add(id);
        this.before = this.delivered.size;
    }

    get location(): string {
        return `s3://${this.target.bucket}/${checkpointKey(this.target, this.day)}`;
    }

    /** A day's checkpoint; empty when there is none yet (S3 answers NoSuchKey, the role may list the bucket). */
    static async read(s3: S3Client, target: CheckpointTarget, day: string, signal?: AbortSignal): Promise<DeliveryCheckpoint> {
        const key = checkpointKey(target, day);
        let text: string;
        try {
            const answer = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }), { abortSignal: signal });
            text = (await answer.Body?.transformToString("utf8")) ?? "";
        } catch (error) {
            if (error instanceof NoSuchKey) return new DeliveryCheckpoint(s3, target, day, []);
            throw new CheckpointError(`could not read the checkpoint s3://${target.bucket}/${key}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        }
        return new DeliveryCheckpoint(s3, target, day, parseDocument(text, day, target, key));
    }

    /** An empty checkpoint for a day, for a run that could not read the stored one. */
    static empty(s3: S3Client, target: CheckpointTarget, day: string): DeliveryCheckpoint {
        return new DeliveryCheckpoint(s3, target, day, []);
    }

    has(id: string): boolean {
        return this.delivered.has(id);
    }

    add(ids: Iterable<string>): void {
        for (const id of ids) this.delivered.add(id);
    }

    /** Writes every id delivered so far (one small object, replaced each time). */
    async save(now: Date, signal?: AbortSignal): Promise<void> {
        const key = checkpointKey(this.target, this.day);
        const document: CheckpointDocument = { format: FORMAT, day: this.day, dcrImmutableId: this.target.dcrImmutableId, delivered: [...this.delivered].sort(), updatedAt: now.toISOString() };
        try {
            // No encryption settings: the bucket's default (SSE-KMS with the lab's key) applies.
            await this.s3.send(new PutObjectCommand({ Bucket: this.target.bucket, Key: key, Body: JSON.stringify(document), ContentType: "application/json" }), { abortSignal: signal });
        } catch (error) {
            throw new CheckpointError(`could not write the checkpoint s3://${this.target.bucket}/${key}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        }
    }
}

function parseDocument(text: string, day: string, target: CheckpointTarget, key: string): string[] {
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch {
        throw new CheckpointError(`the checkpoint s3://${target.bucket}/${key} is not JSON`);
    }
    const d = document as Partial<CheckpointDocument> | null;
    if (!d || d.format !== FORMAT || d.day !== day || d.dcrImmutableId !== target.dcrImmutableId || !Array.isArray(d.delivered) || !d.delivered.every((id) => typeof id === "string" && /^[0-9a-f]{32}$/.test(id))) {
        throw new CheckpointError(`the checkpoint s3://${target.bucket}/${key} is not a delivery checkpoint of format ${FORMAT} for ${day} and rule ${target.dcrImmutableId}`);
    }
    return d.delivered;
}
