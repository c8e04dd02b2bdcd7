package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.Credentials;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Bring-your-own keys at scale: sixty agents, each with its own OpenAI and Anthropic key, split
 * between two organizations, each calling the fake provider three ways (an OpenAI {@code llm}
 * step, an Anthropic {@code llm} step and a streamed thread turn), four agents at a time. Every
 * request goes out with its own agent's key, never the other organization's, and the node's live
 * platform threads do not grow with the number of keys (each key used to keep the threads of
 * JDK HTTP clients of its own alive for good).
 */
class SharedProviderClientsTest extends LlmTestBase {

    static final int KEYS = 60;
    static final int AT_ONCE = 4;
    /** Threads the node may add while keys are used, whatever their number (a pool reaching its size, a timer). */
    static final int SLACK = 12;

    /** One agent's calls: its keys and the tag of each of its three requests. */
    record Agent(String org, String openAiKey, String anthropicKey, String openAiTag, String anthropicTag, String streamTag) {
    }

    @Test
    void distinctKeysAddNoThreadsAndEachCallCarriesItsOwnKey() throws Exception {
        Map<String, GriddleClient> orgs = Map.of("A", newOrg(), "B", newOrg());
        // the first keys start what any model call starts once (the shared client, pools reaching their size)
        List<Agent> warmUp = drive(orgs, AT_ONCE * 2, "warm");
        int before = settledThreads(Integer.MAX_VALUE);

        List<Agent> agents = drive(orgs, KEYS, "byok");

        for (Agent a : concat(warmUp, agents)) {
            Agent other = agents.stream().filter(o -> !o.org().equals(a.org())).findFirst().orElseThrow();
            assertThat(FAKE.requests(a.openAiTag())).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/chat/completions");
                assertThat(r.headers().get("Authorization")).containsExactly("Bearer " + a.openAiKey()).doesNotContain("Bearer " + other.openAiKey());
            });
            assertThat(FAKE.requests(a.anthropicTag())).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/messages");
                assertThat(r.headers().get("X-api-key")).containsExactly(a.anthropicKey()).doesNotContain(other.anthropicKey());
            });
            assertThat(FAKE.requests(a.streamTag())).singleElement().satisfies(r -> {
                assertThat(r.body().path("stream").asBoolean()).isTrue();
                assertThat(r.headers().get("Authorization")).containsExactly("Bearer " + a.openAiKey());
            });
        }
        int after = settledThreads(before + SLACK);
        assertThat(after).as("live threads after %d keys (%d before): %s", KEYS, before, threadNames()).isLessThanOrEqualTo(before + SLACK);
    }

    /** {@code count} agents with keys of their own, alternating between the organizations, driven {@link #AT_ONCE} at a time. */
    private static List<Agent> drive(Map<String, GriddleClient> orgs, int count, String prefix) throws Exception {
        List<Future<Agent>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE, Thread.ofVirtual().factory())) {
            for (int i = 0; i < count; i++) {
                String org = i % 2 == 0 ? "A" : "B";
                String suffix = prefix + "-" + org + "-" + i + "-" + UUID.randomUUID();
                Agent agent = new Agent(org, "sk-" + suffix, "sk-ant-" + suffix, tag(), tag(), tag());
                pending.add(pool.submit(() -> callThreeWays(orgs.get(org), agent)));
            }
            List<Agent> out = new ArrayList<>();
            for (Future<Agent> f : pending) {
                out.add(f.get());
            }
            return out;
        }
    }

    private static Agent callThreeWays(GriddleClient client, Agent a) {
        FAKE.script(a.openAiTag(), FakeProvider.openAiText("from openai", 3, 2));
        FAKE.script(a.anthropicTag(), FakeProvider.anthropicText("from anthropic", 3, 2));
        FAKE.script(a.streamTag(), FakeProvider.openAiStream("streamed"));
        UUID agentId = client.agents().create(AgentInput.of("byok-" + a.openAiTag(), MODEL, null)).id();
        client.agents().putCredentials(agentId, new Credentials(a.openAiKey(), a.anthropicKey()));
        Runner runner = runner(client, """
                steps:
                  - id: openai
                    type: llm
                    with: {agent_id: "%s", prompt: "hi %s"}
                  - id: anthropic
                    type: llm
                    with: {agent_id: "%s", model: anthropic/claude-sonnet-4, prompt: "hi %s"}
                """.formatted(agentId, a.openAiTag(), agentId, a.anthropicTag()));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(output(client, run, "anthropic").path("text").asString()).isEqualTo("from anthropic");
        UUID thread = client.threads().create(agentId, null).id();
        assertThat(client.threads().send(thread, "hello " + a.streamTag(), null).content()).isEqualTo("streamed");
        return a;
    }

    /** The live thread count once it has stopped falling (idle pool threads time out), or once it is at most {@code target}. */
    private static int settledThreads(int target) {
        var mx = ManagementFactory.getThreadMXBean();
        int[] last = {mx.getThreadCount()};
        int[] stable = {0};
        await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(15)).until(() -> {
            int now = mx.getThreadCount();
            stable[0] = now >= last[0] ? stable[0] + 1 : 0;
            last[0] = now;
            return now <= target || stable[0] >= 4;
        });
        return last[0];
    }

    /** Live threads by name, digits folded, for the failure message. */
    private static Map<String, Integer> threadNames() {
        Map<String, Integer> out = new TreeMap<>();
        Thread.getAllStackTraces().keySet().forEach(t -> out.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum));
        return out;
    }

    private static List<Agent> concat(List<Agent> a, List<Agent> b) {
        List<Agent> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
