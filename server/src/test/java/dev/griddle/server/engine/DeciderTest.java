package dev.griddle.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.runner.StoredStep;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeciderTest {

    private static StepSpec step(String id, String... needs) {
        return new StoredStep(id, "transform", Arrays.asList(needs), null, null, null, null, null, null, null, false).toSpec();
    }

    private static Map<String, Decider.StepState> states(Object... pairs) {
        Map<String, Decider.StepState> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Decider.StepState) pairs[i + 1]);
        }
        return map;
    }

    private static Decider.StepState s(StepStatus status) {
        return new Decider.StepState(status, null);
    }

    private static Decider.StepState skipped(String reason) {
        return new Decider.StepState(StepStatus.SKIPPED, reason);
    }

    @Test
    void rootsAreReadyFirst() {
        List<StepSpec> g = List.of(step("a"), step("b"), step("c", "a", "b"));
        var d = Decider.decide(g, states("a", s(StepStatus.PENDING), "b", s(StepStatus.PENDING), "c", s(StepStatus.PENDING)), false);
        assertThat(d.ready()).containsExactly("a", "b");
        assertThat(d.outcome()).isNull();
    }

    @Test
    void aStepWaitsForAllItsNeeds() {
        List<StepSpec> g = List.of(step("a"), step("b"), step("c", "a", "b"));
        var d = Decider.decide(g, states("a", s(StepStatus.SUCCEEDED), "b", s(StepStatus.RUNNING), "c", s(StepStatus.PENDING)), false);
        assertThat(d.ready()).isEmpty();
        d = Decider.decide(g, states("a", s(StepStatus.SUCCEEDED), "b", s(StepStatus.SUCCEEDED), "c", s(StepStatus.PENDING)), false);
        assertThat(d.ready()).containsExactly("c");
    }

    @Test
    void conditionSkipsDoNotBlockButFailuresBlockTransitively() {
        List<StepSpec> g = List.of(step("a"), step("b", "a"), step("c", "b"));
        var d = Decider.decide(g, states("a", skipped("condition_false"), "b", s(StepStatus.PENDING), "c", s(StepStatus.PENDING)), false);
        assertThat(d.ready()).containsExactly("b");
        d = Decider.decide(g, states("a", s(StepStatus.FAILED), "b", s(StepStatus.PENDING), "c", s(StepStatus.PENDING)), false);
        assertThat(d.blocked()).containsExactly("b", "c");
        assertThat(d.outcome()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void outcomes() {
        List<StepSpec> g = List.of(step("a"), step("b", "a"));
        assertThat(Decider.decide(g, states("a", s(StepStatus.SUCCEEDED), "b", skipped("step_disabled")), false).outcome())
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Decider.decide(g, states("a", s(StepStatus.SUCCEEDED), "b", s(StepStatus.CANCELLED)), false).outcome())
                .isEqualTo(RunStatus.CANCELLED);
        assertThat(Decider.decide(g, states("a", s(StepStatus.WAITING), "b", s(StepStatus.PENDING)), false).outcome()).isNull();
    }

    @Test
    void stoppingStartsNothingAndEndsCancelledOnceIdle() {
        List<StepSpec> g = List.of(step("a"), step("b", "a"));
        var d = Decider.decide(g, states("a", s(StepStatus.SUCCEEDED), "b", s(StepStatus.PENDING)), true);
        assertThat(d.ready()).isEmpty();
        assertThat(d.outcome()).isEqualTo(RunStatus.CANCELLED);
        assertThat(Decider.decide(g, states("a", s(StepStatus.RUNNING), "b", s(StepStatus.PENDING)), true).outcome()).isNull();
    }

    @Test
    void failFastCancelsActiveBlocksDownstreamAndStopsTheRest() {
        List<StepSpec> g = List.of(step("a"), step("b"), step("c", "a"), step("d", "c"), step("e", "b"), step("f"));
        var ff = Decider.failFast(g, states("a", s(StepStatus.FAILED), "b", s(StepStatus.RUNNING), "c", s(StepStatus.PENDING),
                "d", s(StepStatus.PENDING), "e", s(StepStatus.PENDING), "f", s(StepStatus.SUCCEEDED)), "a");
        assertThat(ff.cancel()).containsExactly("b");
        assertThat(ff.blocked()).containsExactly("c", "d");
        assertThat(ff.neverStarted()).containsExactly("e");
    }

    @Test
    void backoffDoublesUpToTheCapWithJitter() {
        var policy = new dev.griddle.server.runner.RetryPolicy(5, "exponential", 100, 1000);
        java.util.Random random = new java.util.Random(1);
        for (int attempt = 1; attempt <= 6; attempt++) {
            long cap = Math.min(100L << (attempt - 1), 1000);
            long delay = Backoff.delayMillis(policy, attempt, random);
            assertThat(delay).isBetween(cap / 2, cap);
        }
        assertThat(Backoff.delayMillis(new dev.griddle.server.runner.RetryPolicy(3, "fixed", 250, 1000), 3, random)).isEqualTo(250);
    }
}
