// The day's object: the records as newline-delimited JSON (one Graph object per line, as Graph
// returned it), gzip-compressed, written with one PutObject to the day's key, so a rerun
// replaces the object instead of adding a second one.
//
// Buffered in memory, but compressed as the pages arrive: the function holds the compressed
// day plus one page (at most 1,000 records, a few MB), never the whole day as text. Sign-in
// records are 2 to 6 KB of JSON and compress about 10:1, so at 512 MB the buffer could hold
// millions of records; the Lambda's 15 minutes run out first (a second or more per page of
// 1,000, so some hundreds of thousands of records a day). A lab tenant's day is a few thousand.
// A tenant past that limit needs the day split (by hour) and a multipart upload, which also
// needs kms:Decrypt on the bucket's key, not a bigger buffer.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { finished } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Gzip } from "node:zlib";
import { describeError } from "../../shared/runtime/log";
import type { ExportDay } from "./day";
import type { GraphRecord } from "./graph";

export const CONTENT_TYPE = "application/x-ndjson";
export const CONTENT_ENCODING = "gzip";

export interface PageCounts {
    added: number;
    /** Records whose id an earlier record of the run already had (paging overlap). */
    duplicates: number;
    /** Records whose time field is missing or outside the day (the filter should prevent it). */
    outside: number;
}

export class DayObject {
    records = 0;
    duplicates = 0;
    outside = 0;
    /** The NDJSON text's size before compression. */
    uncompressedBytes = 0;
    private readonly ids = new Set<string>();
    private readonly gzip: Gzip = createGzip();
    private readonly chunks: Buffer[] = [];
    private readonly start: number;
    private readonly end: number;

    constructor(
        private readonly timeField: string,
        window: ExportDay,
    ) {
        this.start = Date.parse(`${window.day}T00:00:00Z`);
        this.end = Date.parse(`${window.next}T00:00:00Z`);
        this.gzip.on("data", (chunk: Buffer) => this.chunks.push(chunk));
    }

    /**
     * Adds a page's records. Each record lands once, in its own day: a record seen before
     * (same id) or outside the day would be a duplicate in Athena or a row in the wrong
     * partition, so it is dropped and counted instead.
     */
    addPage(records: readonly GraphRecord[]): PageCounts {
        const counts: PageCounts = { added: 0, duplicates: 0, outside: 0 };
        let text = "";
        for (const record of records) {
            const time = record[this.timeField];
            const at = typeof time === "string" ? Date.parse(time) : Number.NaN;
            if (!(at >= this.start && at < this.end)) {
                counts.outside++;
                continue;
            }
            const id = record.id;
            if (typeof id === "string") {
                if (this.ids.has(id)) {
                    counts.duplicates++;
                    continue;
                }
                this.ids.add(id);
            }
            text += `${JSON.stringify(record)}\n`;
            counts.added++;
        }
        // One write per page; the stream buffers what it has not compressed yet.
        if (text) this.gzip.write(text);
        this.uncompressedBytes += Buffer.byteLength(text);
        this.records += counts.added;
        this.duplicates += counts.duplicates;
        this.outside += counts.outside;
        return counts;
    }

    /**
     * The whole object. An empty day is a valid gzip stream of nothing (20 bytes), not a
     * zero-byte file: Athena then reads the partition as present and empty, where some
     * readers fail on a zero-byte .gz.
     */
    async finish(): Promise<Buffer> {
        this.gzip.end();
        await finished(this.gzip);
        return Buffer.concat(this.chunks);
    }
}

/** S3 did not take the object (after the SDK's retries). */
export class S3WriteError extends Error {
    override readonly name = "S3WriteError";
}

export async function putDayObject(s3: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
    try {
        // No ServerSideEncryption or key id: the bucket's default (SSE-KMS with the lab's key)
        // applies, so the object cannot end up under another key than the bucket's.
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: CONTENT_TYPE, ContentEncoding: CONTENT_ENCODING }));
    } catch (error) {
        throw new S3WriteError(`could not write s3://${bucket}/${key} (${body.length} bytes): ${describeError(error)}`);
    }
}
