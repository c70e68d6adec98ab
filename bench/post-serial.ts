// The post's function ("Visualizing AWS Logging Data in Azure Monitor"), restated in TypeScript
// for the benchmark, so both algorithms run against the same fakes in the same run:
// query_iam_users() pages ListUsers; for each user, query_access_keys() pages ListAccessKeys and
// calls GetAccessKeyLastUsed for each key, one call after another; lambda_handler() then posts
// every record at once. No request timeout, no error handling: the first call that still fails
// after the SDK's retries ends the run with nothing delivered.
//
// Two substitutions, both in the post's favour: boto3's default retries (legacy mode, 5 attempts)
// become the JS SDK's standard mode with 5 attempts, and the retired HTTP Data Collector post
// becomes one upload through the Logs Ingestion client (which chunks under the 1 MB limit that
// a single post of 10,000 records would exceed).
import { GetAccessKeyLastUsedCommand, IAMClient, paginateListAccessKeys, paginateListUsers } from "@aws-sdk/client-iam";
import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { loggedDateOf, toRecord } from "../stacks/collector/access-key-report/function/record";
import { uploadRecords } from "../stacks/collector/access-key-report/function/upload";
import type { IngestionTarget } from "../stacks/collector/access-key-report/function/upload";
import type { LogsIngestionClient } from "@azure/monitor-ingestion";
import type { AccessKeyRecord } from "../stacks/collector/access-key-report/schema";

export interface SerialOutcome {
    records: number;
    /** Why the run failed, if it did (then nothing was posted). */
    error?: string;
}

/** boto3's default (legacy) retry mode makes 5 attempts per call. */
export const POST_RETRIES = { retryMode: "standard", maxAttempts: 5 } as const satisfies IAMClientConfig;

export async function postSerialFunction(iamConfig: IAMClientConfig, ingestion: LogsIngestionClient, target: IngestionTarget, now: Date, signal: AbortSignal): Promise<SerialOutcome> {
    const iam = new IAMClient({ ...POST_RETRIES, ...iamConfig });
    const loggedDate = loggedDateOf(now);
    const records: AccessKeyRecord[] = [];
    try {
        // query_iam_users(): every user first (the paginator's default page, as boto3's).
        const users = [];
        for await (const page of paginateListUsers({ client: iam }, {}, { abortSignal: signal })) users.push(...(page.Users ?? []));
        // query_access_keys(user) for each user, each key's last use in turn.
        for (const user of users) {
            for await (const page of paginateListAccessKeys({ client: iam }, { UserName: user.UserName }, { abortSignal: signal })) {
                for (const key of page.AccessKeyMetadata ?? []) {
                    const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }), { abortSignal: signal });
                    records.push(toRecord({ user, key, lastUsed: answer.AccessKeyLastUsed, collectedAt: new Date(), loggedDate }));
                }
            }
        }
        // post_data(): everything at once.
        await uploadRecords(ingestion, target, records);
        return { records: records.length };
    } catch (error) {
        return { records: 0, error: signal.aborted ? "killed by Lambda's 600 s timeout" : error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    } finally {
        iam.destroy();
    }
}
