package dev.griddle.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.runner.RetryPolicy;
import dev.griddle.server.step.StepOutcome;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** What an outcome means for its step or item ({@link Decider#onOutcome}, {@link Decider#afterItem}, {@link Decider#onLeaseExpired}): pure, no database. */
class DeciderOutcomeTest {

    private static final RetryPolicy THREE_FIXED = new RetryPolicy(3, "fixed", 250, 1000);
    private static final RetryPolicy THREE_EXPONENTIAL = new RetryPolicy(3, "exponential", 100, 1000);
    private final Random random = new Random(7);

    @Test
    void doneSucceedsWithItsOutput() {
        var output = JsonNodeFactory.instance.objectNode().put("x", 1);
        var verdict = Decider.onOutcome(THREE_FIXED, 1, -1, StepOutcome.done(output), random);
        assertThat(verdict).isEqualTo(new Decider.Verdict.Succeed(output));
    }

    @Test
    void aRetryableFailureIsRetriedAfterTheBackoff() {
        var verdict = Decider.onOutcome(THREE_FIXED, 1, -1, StepOutcome.failed("503 from upstream", true), random);
        assertThat(verdict).isInstanceOf(Decider.Verdict.Retry.class);
        var retry = (Decider.Verdict.Retry) verdict;
        assertThat(retry.next()).isEqualTo(2);
        assertThat(retry.delayMs()).isEqualTo(250);
        assertThat(retry.error().path("message").asString()).isEqualTo("503 from upstream");

        var second = (Decider.Verdict.Retry) Decider.onOutcome(THREE_EXPONENTIAL, 2, -1, StepOutcome.failed("again", true), random);
        assertThat(second.next()).isEqualTo(3);
        assertThat(second.delayMs()).isBetween(100L, 200L); // 100 ms doubled once, with equal jitter
    }

    @Test
    void theLastAttemptFailsSayingHowManyThereWere() {
        var verdict = Decider.onOutcome(THREE_FIXED, 3, -1, StepOutcome.failed("503 from upstream", true), random);
        assertThat(verdict).isEqualTo(new Decider.Verdict.Fail("503 from upstream after 3 attempts", null));
    }

    @Test
    void aFailureThatIsNotRetryableFailsAtOnceAndNamesItsItem() {
        var details = JsonNodeFactory.instance.objectNode().put("status", 400);
        var verdict = Decider.onOutcome(THREE_FIXED, 1, 4, new StepOutcome.Failed("bad request", false, details), random);
        assertThat(verdict).isEqualTo(new Decider.Verdict.Fail("bad request (item 4)", details));
        assertThat(Decider.onOutcome(RetryPolicy.NONE, 1, -1, StepOutcome.failed("once", true), random))
                .isEqualTo(new Decider.Verdict.Fail("once", null));
    }

    @Test
    void aSpentBudgetPausesOrFails() {
        assertThat(Decider.onOutcome(THREE_FIXED, 1, -1, new StepOutcome.BudgetExceeded("$5 spent", false, null), random))
                .isEqualTo(new Decider.Verdict.Pause());
        assertThat(Decider.onOutcome(THREE_FIXED, 1, 2, new StepOutcome.BudgetExceeded("$5 spent", true, null), random))
                .isEqualTo(new Decider.Verdict.Fail("budget exceeded: $5 spent (item 2)", null));
    }

    @Test
    void aLostLeaseRunsAgainAtOnceWithinTheAllowanceThenFails() {
        var again = (Decider.Verdict.Retry) Decider.onLeaseExpired(RetryPolicy.NONE, 2, -1, 2);
        assertThat(again.next()).isEqualTo(3);
        assertThat(again.delayMs()).isZero();
        assertThat(Decider.onLeaseExpired(RetryPolicy.NONE, 3, -1, 2)).isEqualTo(new Decider.Verdict.Fail(
                "lease expired: the process executing attempt 3 stopped heartbeating (3 attempts)", null));
    }

    @Test
    void anItemDoneQueuesTheNextItemsUpToMaxParallelThenFinishes() {
        assertThat(Decider.afterItem(new StepRunStore.ItemCounts(2, 10), 5)).isEqualTo(new Decider.AfterItem.NextItems(3));
        assertThat(Decider.afterItem(new StepRunStore.ItemCounts(4, 1), 5)).isEqualTo(new Decider.AfterItem.NextItems(1));
        assertThat(Decider.afterItem(new StepRunStore.ItemCounts(5, 7), 5)).isEqualTo(new Decider.AfterItem.NextItems(0));
        assertThat(Decider.afterItem(new StepRunStore.ItemCounts(1, 0), 5)).isEqualTo(new Decider.AfterItem.NextItems(0));
        assertThat(Decider.afterItem(new StepRunStore.ItemCounts(0, 0), 5)).isEqualTo(new Decider.AfterItem.Finish());
    }
}
