// An invocation's time, read from Lambda's context: a function that is still working when its
// timeout strikes is killed mid-call, logs nothing and keeps nothing it had done. So each
// function asks its budget before it starts more work, stops in time to deliver what it has
// and to save how far it got, and then fails with a message saying so.

/** The part of Lambda's context a time budget reads (the Node.js runtime's context object has it). */
export interface RemainingTime {
    /** Milliseconds left before Lambda stops the invocation. */
    getRemainingTimeInMillis?: () => number;
}

/** The part of Lambda's context the collector's functions use. */
export interface InvocationContext extends RemainingTime {
    awsRequestId?: string;
}

export interface TimeBudget {
    /** Milliseconds left before the invocation is stopped (Infinity without a Lambda context). */
    remainingMs(): number;
    /** Milliseconds kept back from new work. */
    readonly reserveMs: number;
    /** True while more than the reserve is left: new work may start. */
    canStartWork(): boolean;
    /** Aborts when only the reserve is left: work in flight stops, delivery and the checkpoint take the rest. */
    readonly stopWork: AbortSignal;
    /** Aborts when only the final margin is left: even delivery stops, so the failure can still be logged. */
    readonly stopAll: AbortSignal;
    /** Clears the timers (the invocation ended first). */
    dispose(): void;
}

export interface BudgetOptions {
    /** Milliseconds kept back from new work for delivering what was collected and writing the checkpoint. */
    reserveMs: number;
    /** Milliseconds kept back from everything, to log the outcome and return. */
    finalMarginMs: number;
}

/**
 * The invocation's budget from its context. Without `getRemainingTimeInMillis` (a test or a
 * script calling the handler), there is no limit and the signals never abort.
 */
export function timeBudget(context: RemainingTime | undefined, options: BudgetOptions): TimeBudget {
    const read = context?.getRemainingTimeInMillis;
    const remainingMs = read ? () => read.call(context) : () => Number.POSITIVE_INFINITY;
    const stopWork = new AbortController();
    const stopAll = new AbortController();
    const timers: NodeJS.Timeout[] = [];
    const at = (controller: AbortController, margin: number, reason: string) => {
        const wait = remainingMs() - margin;
        if (!Number.isFinite(wait)) return;
        if (wait <= 0) controller.abort(new OutOfTimeError(reason));
        else timers.push(setTimeout(() => controller.abort(new OutOfTimeError(reason)), wait).unref());
    };
    at(stopWork, options.reserveMs, `${Math.round(options.reserveMs / 1000)} s before the function's timeout`);
    at(stopAll, options.finalMarginMs, `${Math.round(options.finalMarginMs / 1000)} s before the function's timeout`);
    return {
        remainingMs,
        reserveMs: options.reserveMs,
        canStartWork: () => !stopWork.signal.aborted && remainingMs() > options.reserveMs,
        stopWork: stopWork.signal,
        stopAll: stopAll.signal,
        dispose: () => timers.forEach(clearTimeout),
    };
}

/** The budget ran out: not a fault of any service, so the message says where the run stopped. */
export class OutOfTimeError extends Error {
    override readonly name = "OutOfTimeError";
}
