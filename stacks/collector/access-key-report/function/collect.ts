// Lists every IAM user, every user's access keys and when each key was last used, as the
// post's function does, but with bounded concurrency instead of one call after another:
// - every IAM request (each page of a listing included) takes a slot of one limiter, so at
//   most `concurrency` requests are in flight, the SDK's retries inside the same slot;
// - a ListUsers page starts its users' work as soon as it arrives, while the next page waits
//   its turn in the same queue;
// - the first call that still fails after the SDK's retries stops the run: queued calls are
//   dropped, calls in flight aborted, and the error is thrown once nothing is running;
// - keys a previous attempt of the same day already delivered (the checkpoint) are skipped
//   before their GetAccessKeyLastUsed call, so a retry spends IAM's rate on what is missing;
// - when the time budget says stop, no further call starts, calls in flight are aborted, and
//   the collection returns what it has, marked incomplete, for the caller to deliver.
import { GetAccessKeyLastUsedCommand, NoSuchEntityException, paginateListAccessKeys, paginateListUsers } from "@aws-sdk/client-iam";
import type { AccessKeyMetadata, IAMClient, User } from "@aws-sdk/client-iam";
import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import type { AccessKeyRecord } from "../schema";
import type { Logger } from "../../shared/runtime/log";
import { maskAccessKeyId } from "../../shared/runtime/mask";
import { OutOfTimeError } from "../../shared/runtime/budget";
import { accountNumberOf, loggedDateOf, recordIdOf, toRecord } from "./record";

/** IAM's maximum page size for ListUsers: the listing is sequential, so fewer pages mean less waiting. */
export const USERS_PAGE_SIZE = 1000;

export interface CollectOptions {
    iam: IAMClient;
    /** IAM requests in flight at once (at least 1). */
    concurrency: number;
    /** The run's start: its UTC day is every record's LoggedDate. */
    runStartedAt: Date;
    /** The clock for each record's TimeGenerated. */
    now: () => Date;
    log: Logger;
    /** Stops the collection (e.g. when the upload side already failed). */
    signal?: AbortSignal;
    /** True for a RecordId already delivered today: the key is counted, not asked about again. */
    alreadyDelivered?: (recordId: string) => boolean;
    /** Called with each record as it is made (the delivery takes it from there). */
    onRecord?: (record: AccessKeyRecord) => void;
    /** The run's time: no call starts once it says no, and calls in flight stop when `stopWork` aborts. */
    budget?: { canStartWork(): boolean; readonly stopWork: AbortSignal };
}

export interface Collection {
    records: AccessKeyRecord[];
    users: number;
    /** Keys listed, including those deleted before their last use could be read. */
    keys: number;
    /** Users deleted between ListUsers and ListAccessKeys. */
    skippedUsers: number;
    /** Keys deleted between ListAccessKeys and GetAccessKeyLastUsed. */
    skippedKeys: number;
    /** Keys a previous attempt of the day delivered (not asked about again). */
    alreadyDelivered: number;
    /** Set when the time budget stopped the listing before it was complete. */
    outOfTime?: OutOfTimeError;
}

export async function collectAccessKeys(options: CollectOptions): Promise<Collection> {
    const { iam, now, log } = options;
    const loggedDate = loggedDateOf(options.runStartedAt);
    const collection: Collection = { records: [], users: 0, keys: 0, skippedUsers: 0, skippedKeys: 0, alreadyDelivered: 0 };

    const stop = new AbortController();
    const abortSignal = stop.signal;
    // Every request in flight listens on this one signal; the limiter bounds how many there are,
    // so Node's leak warning (more than 10 listeners) would only be noise above 10.
    setMaxListeners(options.concurrency + 1, abortSignal);
    const limit = pLimit({ concurrency: options.concurrency, rejectOnClear: true });
    // Users in progress at once: a user's key calls come before later users' listings, so
    // records flow from the first seconds on (a run stopped by its budget has delivered some)
    // instead of after every user's keys were listed.
    const users = pLimit({ concurrency: options.concurrency, rejectOnClear: true });
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
        if (failure) return;
        failure = { error };
        stop.abort(error);
        limit.clearQueue();
        users.clearQueue();
    };
    const onOuterAbort = () => fail(options.signal?.reason);
    if (options.signal?.aborted) onOuterAbort();
    options.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const budget = options.budget;
    const onOutOfTime = () => fail(budget?.stopWork.reason);
    if (budget?.stopWork.aborted) onOutOfTime();
    budget?.stopWork.addEventListener("abort", onOutOfTime, { once: true });

    const request = <T>(send: () => Promise<T>): Promise<T> =>
        limit(() => {
            abortSignal.throwIfAborted();
            if (budget && !budget.canStartWork()) {
                fail(new OutOfTimeError("the time reserved for delivery was reached"));
                abortSignal.throwIfAborted();
            }
            return send();
        });
    // A paginator sends one request per `next()`, so pulling pages through the limiter bounds them too.
    async function* pagesOf<T>(paginator: AsyncGenerator<T, undefined, unknown>): AsyncGenerator<T> {
        for (;;) {
            const page = await request(() => paginator.next());
            if (page.done) return;
            yield page.value;
        }
    }
    const tasks: Promise<void>[] = [];
    const start = (task: () => Promise<void>) => {
        tasks.push(task().catch(fail));
    };

    const collectKey = async (user: User, key: AccessKeyMetadata) => {
        if (options.alreadyDelivered?.(recordIdOf(accountNumberOf(user.Arn), loggedDate, user.UserName ?? "", key.AccessKeyId ?? ""))) {
            collection.alreadyDelivered++;
            return;
        }
        try {
            const answer = await request(() => iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }), { abortSignal }));
            const record = toRecord({ user, key, lastUsed: answer.AccessKeyLastUsed, collectedAt: now(), loggedDate });
            collection.records.push(record);
            options.onRecord?.(record);
        } catch (error) {
            // Deleted after it was listed: there is no key left to report, which is not a failure.
            if (!(error instanceof NoSuchEntityException)) throw error;
            collection.skippedKeys++;
            log.warn("key-deleted-during-run", { user: user.UserName, accessKeyId: maskAccessKeyId(key.AccessKeyId ?? "") });
        }
    };

    const collectUser = async (user: User) => {
        const keyTasks: Promise<void>[] = [];
        try {
            for await (const page of pagesOf(paginateListAccessKeys({ client: iam }, { UserName: user.UserName }, { abortSignal }))) {
                for (const key of page.AccessKeyMetadata ?? []) {
                    collection.keys++;
                    keyTasks.push(collectKey(user, key));
                }
            }
        } catch (error) {
            if (!(error instanceof NoSuchEntityException)) {
                await Promise.allSettled(keyTasks);
                throw error;
            }
            collection.skippedUsers++;
            log.warn("user-deleted-during-run", { user: user.UserName });
        }
        // The user's slot is held until its keys are done.
        for (const outcome of await Promise.allSettled(keyTasks)) if (outcome.status === "rejected") throw outcome.reason;
    };

    try {
        for await (const page of pagesOf(paginateListUsers({ client: iam, pageSize: USERS_PAGE_SIZE }, {}, { abortSignal }))) {
            for (const user of page.Users ?? []) {
                collection.users++;
                start(() => users(() => collectUser(user)));
            }
        }
    } catch (error) {
        fail(error);
    }
    // Tasks start further tasks while we wait; walking the list by index waits for those too.
    for (let i = 0; i < tasks.length; i++) await tasks[i];
    options.signal?.removeEventListener("abort", onOuterAbort);
    budget?.stopWork.removeEventListener("abort", onOutOfTime);
    if (failure?.error instanceof OutOfTimeError) return { ...collection, outOfTime: failure.error };
    if (failure) throw failure.error;
    return collection;
}
