package dev.griddle.server.replay;

import dev.griddle.server.step.StepOutcome;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * The external calls of one step attempt (issue #18), bound to the thread that runs the step's
 * executor: the choke points where a call leaves a run (model provider, {@code http} step, tools)
 * pass their call through {@link #exchange}. Recording, it makes the call and keeps request and
 * response; replaying, it answers from the source run's recording by fingerprint, and on a miss
 * either throws {@link ReplayMismatch} ({@code strict}) or makes the call live ({@code fallthrough}).
 * Requests and responses are masked of the organization's secret values before they are
 * fingerprinted or kept, and what is kept is redacted by the runner's {@code redact} paths
 * ({@link Redaction}) after the fingerprint is taken. A thread without a bound tape (chat threads, a tool's own threads) calls
 * live and records nothing.
 */
public final class CallTape {

    /** The call as it goes out when no recording answers it. */
    @FunctionalInterface
    public interface LiveCall<E extends Exception> {
        JsonNode call() throws E, InterruptedException;
    }

    enum Mode { RECORD, STRICT, FALLTHROUGH }

    private static final ThreadLocal<CallTape> CURRENT = new ThreadLocal<>();

    private final String stepId;
    private final int itemIndex;
    private final int attempt;
    private final Mode mode;
    private final List<RecordingStore.Recorded> source;
    private final UnaryOperator<JsonNode> mask;
    private final boolean keep;
    private final Redaction redaction;
    private final Set<RecordingStore.Recorded> used = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<StepOutcome.Call> calls = new ArrayList<>();
    private ReplayMismatch mismatch;

    CallTape(String stepId, int itemIndex, int attempt, Mode mode, List<RecordingStore.Recorded> source, UnaryOperator<JsonNode> mask,
            boolean keep, Redaction redaction) {
        this.redaction = redaction;
        this.stepId = stepId;
        this.itemIndex = itemIndex;
        this.attempt = attempt;
        this.mode = mode;
        this.source = source;
        this.mask = mask;
        this.keep = keep;
    }

    /** The tape of the step attempt running on this thread, or null. */
    public static CallTape current() {
        return CURRENT.get();
    }

    /**
     * Makes or replays one call. {@code request} is what the call means (no volatile headers, no
     * run ids); a replayed call returns the recorded response without calling {@code live}.
     *
     * @throws ReplayMismatch strict replay, and no recorded call has this request's fingerprint
     */
    public <E extends Exception> JsonNode exchange(String kind, JsonNode request, LiveCall<E> live) throws E, InterruptedException {
        JsonNode masked = mask.apply(request);
        String fingerprint = Fingerprints.of(kind, masked);
        if (mode != Mode.RECORD) {
            RecordingStore.Recorded answer = answer(kind, fingerprint);
            if (answer != null) {
                used.add(answer);
                keep(new StepOutcome.Call(calls.size() + 1, kind, fingerprint, masked, answer.response(), answer.durationMs(), answer.costUsd(), true));
                return answer.response();
            }
            if (mode == Mode.STRICT) {
                mismatch = new ReplayMismatch(kind, stepId, fingerprint, counterpart(kind), redaction.request(masked));
                throw mismatch;
            }
        }
        long t0 = System.nanoTime();
        JsonNode response = live.call();
        keep(new StepOutcome.Call(calls.size() + 1, kind, fingerprint, masked, mask.apply(response), (System.nanoTime() - t0) / 1_000_000, null,
                false));
        return response;
    }

    private void keep(StepOutcome.Call call) {
        if (keep) {
            calls.add(redaction.apply(call));
        }
    }

    /** The calls kept so far, redacted. */
    List<StepOutcome.Call> calls() {
        return List.copyOf(calls);
    }

    /** The recorded call with this fingerprint not answered yet: of this item and attempt first, then of this item, then any. */
    private RecordingStore.Recorded answer(String kind, String fingerprint) {
        RecordingStore.Recorded best = null;
        int bestRank = Integer.MAX_VALUE;
        for (RecordingStore.Recorded r : source) {
            if (!r.kind().equals(kind) || !r.fingerprint().equals(fingerprint) || used.contains(r)) {
                continue;
            }
            int rank = r.itemIndex() != itemIndex ? 2 : r.attempt() != attempt ? 1 : 0;
            if (rank < bestRank) {
                best = r;
                bestRank = rank;
            }
        }
        return best;
    }

    /** What the source run's step sent at this point of the attempt (for the mismatch's side-by-side). */
    private JsonNode counterpart(String kind) {
        int ordinal = (int) calls.stream().filter(c -> c.kind().equals(kind)).count();
        List<RecordingStore.Recorded> sameKind = source.stream().filter(r -> r.kind().equals(kind) && r.itemIndex() == itemIndex).toList();
        if (sameKind.isEmpty()) {
            return null;
        }
        return sameKind.get(Math.min(ordinal, sameKind.size() - 1)).request();
    }

    /** Binds this tape to the current thread until {@link Binding#close}. */
    Binding bind() {
        CallTape previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The attempt's outcome with its calls in its trail, the cost of each model call taken from the
     * matching {@code llm_call} event (the n-th model call is the n-th such event). A strict
     * mismatch the executor turned into a failure of its own is reported as the mismatch.
     */
    StepOutcome finish(StepOutcome outcome) {
        StepOutcome result = mismatch == null ? outcome
                : new StepOutcome.Failed(mismatch.getMessage(), false, mismatch.details(), outcome.trail());
        if (calls.isEmpty()) {
            return result;
        }
        List<BigDecimal> modelCosts = result.trail().events().stream().filter(e -> e.type().equals("llm_call") && e.data().has("cost_usd"))
                .map(e -> e.data().path("cost_usd").decimalValue()).toList();
        List<StepOutcome.Call> costed = new ArrayList<>(calls.size());
        int model = 0;
        for (StepOutcome.Call c : calls) {
            if (c.kind().equals("llm") && c.costUsd() == null && model < modelCosts.size()) {
                c = new StepOutcome.Call(c.seq(), c.kind(), c.fingerprint(), c.request(), c.response(), c.durationMs(), modelCosts.get(model), c.replayed());
            }
            if (c.kind().equals("llm")) {
                model++;
            }
            costed.add(c);
        }
        return result.withTrail(result.trail().withCalls(costed));
    }
}
