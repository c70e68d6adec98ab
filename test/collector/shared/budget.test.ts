// The functions' time budget, read from Lambda's context.
import { describe, expect, it } from "vitest";
import { OutOfTimeError, timeBudget } from "../../../stacks/collector/shared/runtime/budget";

describe("the time budget", () => {
    it("sets no limit without a Lambda context (a script or a test calling the handler)", () => {
        const budget = timeBudget(undefined, { reserveMs: 60_000, finalMarginMs: 10_000 });
        expect([budget.remainingMs(), budget.canStartWork(), budget.stopWork.aborted, budget.stopAll.aborted]).toEqual([Number.POSITIVE_INFINITY, true, false, false]);
        budget.dispose();
    });

    it("refuses new work once only the reserve is left, and aborts work at the reserve, everything at the final margin", async () => {
        const deadline = performance.now() + 300;
        const budget = timeBudget({ getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) }, { reserveMs: 200, finalMarginMs: 50 });
        expect(budget.canStartWork()).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 130));
        expect({ canStart: budget.canStartWork(), work: budget.stopWork.aborted, all: budget.stopAll.aborted }).toEqual({ canStart: false, work: true, all: false });
        expect(budget.stopWork.reason).toBeInstanceOf(OutOfTimeError);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(budget.stopAll.aborted).toBe(true);
        budget.dispose();
    });

    it("is already spent when the invocation starts with less than the reserve", () => {
        const budget = timeBudget({ getRemainingTimeInMillis: () => 1000 }, { reserveMs: 60_000, finalMarginMs: 10_000 });
        expect([budget.canStartWork(), budget.stopWork.aborted, budget.stopAll.aborted]).toEqual([false, true, true]);
        budget.dispose();
    });
});
