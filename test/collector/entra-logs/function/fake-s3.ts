// A local stand-in for S3's PutObject and GetObject that the real @aws-sdk/client-s3 talks to (endpoint,
// forcePathStyle, static credentials, us-east-1), so the SDK's signing, checksums, error
// parsing and retries all really run:
// - PUT /<bucket>/<key>: checks the SigV4 signature is scoped to s3, the bucket exists, the
//   body's length and, when the SDK sends them, its CRC32 checksum and SHA-256 payload hash;
// - stores the object by bucket and key (a second put replaces it, as S3 does, and counts a
//   version), with every request header (Content-Type, Content-Encoding, SSE headers);
// - answers as a bucket with default SSE-KMS encryption does, and can answer S3's XML errors
//   (InternalError, SlowDown, AccessDenied...) a number of times or for good;
// - GET /<bucket>/<key>: the object, or for a key that does not exist NoSuchKey (404) when the
//   caller may list the bucket and AccessDenied (403) when not, as S3 decides between them.
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { checkSignature, FAKE_ACCOUNT_ID } from "../../access-key-report/function/fake-iam";

export const FAKE_KMS_KEY_ARN = `arn:aws:kms:us-east-1:${FAKE_ACCOUNT_ID}:key/0b7f3c9e-1d2a-4e5f-8a6b-7c8d9e0f1a2b`;

export interface StoredObject {
    body: Buffer;
    /** The headers of the put that wrote it. */
    headers: IncomingHttpHeaders;
    /** How many puts wrote this key (S3 keeps the older ones as versions in a versioned bucket). */
    versions: number;
}

export interface S3Fault {
    status: number;
    /** S3's error code: InternalError (500), SlowDown (503), AccessDenied (403)... */
    code: string;
    /** How many requests get it; Infinity for every one. */
    times: number;
    /** Only requests of this method. Default: PUT. */
    method?: "GET" | "PUT";
}

export interface S3Request {
    at: number;
    method: string;
    path: string;
    status: number;
}

export class FakeS3 {
    readonly requests: S3Request[] = [];
    private readonly objects = new Map<string, StoredObject>();
    private readonly faults: Array<S3Fault & { fired: number }> = [];

    private constructor(
        private readonly server: Server,
        readonly url: string,
        private readonly buckets: ReadonlySet<string>,
    ) {}

    /** Whether the caller's role has s3:ListBucket (S3 then answers a missing key with 404, else 403). */
    listBucketAllowed = true;

    static async start(options: { buckets: string[]; listBucketAllowed?: boolean }): Promise<FakeS3> {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const fake = new FakeS3(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, new Set(options.buckets));
        fake.listBucketAllowed = options.listBucketAllowed ?? true;
        server.on("request", (req: IncomingMessage, res: ServerResponse) => {
            fake.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
        });
        return fake;
    }

    get(bucket: string, key: string): StoredObject | undefined {
        return this.objects.get(`${bucket}/${key}`);
    }

    /** Every key stored in a bucket, sorted. */
    keys(bucket: string): string[] {
        return [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/`)).map((k) => k.slice(bucket.length + 1)).sort();
    }

    /** PutObject requests received, answered or not. */
    get puts(): number {
        return this.requests.filter((r) => r.method === "PUT").length;
    }

    fail(fault: S3Fault): void {
        this.faults.push({ ...fault, fired: 0 });
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.url);
        const request: S3Request = { at: performance.now(), method: req.method ?? "", path: url.pathname, status: 0 };
        this.requests.push(request);
        const body = await readBody(req);
        const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
        const error = (status: number, code: string, message: string): void => {
            request.status = status;
            res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": requestId })
                .end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${randomUUID()}</HostId></Error>`);
        };

        try {
            checkSignature(req, "s3");
        } catch (e) {
            return error(403, "SignatureDoesNotMatch", e instanceof Error ? e.message : String(e));
        }
        // Path style: /<bucket>/<key>; the SDK adds ?x-id=PutObject or GetObject.
        const [, bucket = "", ...keyParts] = url.pathname.split("/");
        const key = keyParts.map(decodeURIComponent).join("/");
        if ((req.method !== "PUT" && req.method !== "GET") || !key || [...url.searchParams.keys()].some((k) => k !== "x-id")) return error(501, "NotImplemented", `the fake serves PutObject and GetObject only, not ${req.method} ${url.pathname}${url.search}`);
        if (!this.buckets.has(bucket)) return error(404, "NoSuchBucket", "The specified bucket does not exist");
        if (req.method === "GET") {
            const getFault = this.faults.find((f) => f.method === "GET" && f.fired < f.times);
            if (getFault) {
                getFault.fired++;
                return error(getFault.status, getFault.code, getFault.code === "AccessDenied" ? "Access Denied" : "We encountered an internal error. Please try again.");
            }
            const stored = this.objects.get(`${bucket}/${key}`);
            if (!stored) return this.listBucketAllowed ? error(404, "NoSuchKey", "The specified key does not exist.") : error(403, "AccessDenied", "Access Denied");
            request.status = 200;
            res.writeHead(200, { "content-type": String(stored.headers["content-type"] ?? "binary/octet-stream"), "content-length": String(stored.body.length), etag: `"${createHash("md5").update(stored.body).digest("hex")}"`, "x-amz-request-id": requestId, "x-amz-server-side-encryption": "aws:kms" }).end(stored.body);
            return;
        }
        const problem = checkBody(req.headers, body);
        if (problem) return error(400, problem.code, problem.message);

        const fault = this.faults.find((f) => (f.method ?? "PUT") === "PUT" && f.fired < f.times);
        if (fault) {
            fault.fired++;
            return error(fault.status, fault.code, fault.code === "AccessDenied" ? "Access Denied" : fault.code === "SlowDown" ? "Please reduce your request rate." : "We encountered an internal error. Please try again.");
        }

        const id = `${bucket}/${key}`;
        this.objects.set(id, { body, headers: req.headers, versions: (this.objects.get(id)?.versions ?? 0) + 1 });
        request.status = 200;
        res.writeHead(200, {
            etag: `"${createHash("md5").update(body).digest("hex")}"`,
            "x-amz-request-id": requestId,
            "x-amz-version-id": randomUUID().replace(/-/g, ""),
            // The bucket's default encryption, as S3 reports it on every put.
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": FAKE_KMS_KEY_ARN,
            "x-amz-server-side-encryption-bucket-key-enabled": "true",
        }).end();
    }
}

/** The body against what the headers say about it: length, CRC32, SHA-256 of the payload. */
function checkBody(headers: IncomingHttpHeaders, body: Buffer): { code: string; message: string } | undefined {
    if (String(headers["content-encoding"] ?? "").includes("aws-chunked")) return { code: "NotImplemented", message: "the fake does not decode aws-chunked bodies" };
    if (Number(headers["content-length"]) !== body.length) return { code: "IncompleteBody", message: `Content-Length ${headers["content-length"]}, body ${body.length} bytes` };
    const crc = headers["x-amz-checksum-crc32"];
    if (typeof crc === "string") {
        const expected = Buffer.alloc(4);
        expected.writeUInt32BE(crc32(body));
        if (crc !== expected.toString("base64")) return { code: "BadDigest", message: "The CRC32 you specified did not match the calculated checksum." };
    }
    const sha = headers["x-amz-content-sha256"];
    if (typeof sha === "string" && /^[0-9a-f]{64}$/.test(sha) && sha !== createHash("sha256").update(body).digest("hex")) return { code: "XAmzContentSHA256Mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}
