// Request timeouts of every AWS SDK client the functions make (IAM, SSM, S3). The SDK has none
// by default: a connection that never answers holds an invocation until Lambda kills it.
// throwOnRequestTimeout makes a timeout a TimeoutError, which the SDK's retry strategy retries
// as a transient error; without it the SDK only logs a warning and keeps waiting. (The
// clients' configs type-check these as their requestHandler's NodeHttpHandlerOptions.)
/** Milliseconds: 3 s to connect, 10 s for the whole request and response (IAM and SSM answer in well under a second). */
export const AWS_REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true } as const;

/** For writing an object of up to some tens of MB (the Entra export's day): a minute for the request. */
export const AWS_UPLOAD_TIMEOUTS = { ...AWS_REQUEST_TIMEOUTS, requestTimeout: 60_000 } as const;
