package dev.griddle.server.console;

import static dev.griddle.server.console.ConsoleHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Chat in the console: a new thread, a message posted as the chat script posts it, the answer's events streamed back on the POST. */
@TestPropertySource(properties = "griddle.console.sign-in-per-minute=1000")
class ConsoleThreadTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/console-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    @Test
    void aThreadPageStreamsTheAnswerOfAPostedMessageAndKeepsIt() {
        GriddleClient admin = newOrg();
        String tag = "console-" + UUID.randomUUID();
        var agent = admin.raw("POST", "/api/v1/agents", "{\"name\": \"helper\", \"model\": \"" + MODEL + "\", \"instructions\": \"You help. " + tag + "\"}",
                Map.of());
        assertThat(agent.status()).as(agent.body()).isEqualTo(201);
        UUID agentId = UUID.fromString(ConsoleHttp.read(agent.body()).path("id").asString());
        FAKE.script(tag, List.of(new FakeStreamingProvider.Text("Hel"), new FakeStreamingProvider.Pause(200), new FakeStreamingProvider.Text("lo"),
                new FakeStreamingProvider.Text(" there")));
        ConsoleHttp console = new ConsoleHttp(baseUrl());
        String cookie = console.session(admin.keys().create(CreateKey.of("c", "contributor")).secret());
        String csrf = console.csrf(cookie);

        String list = console.get("/console/threads", cookie).body();
        assertThat(list).contains("<option value=\"" + agentId + "\">helper</option>").contains(">New thread</button>");
        HttpResponse<String> made = console.post("/console/threads", cookie, form("_csrf", csrf, "agent_id", agentId.toString(), "title", "Console chat"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(303);
        String path = made.headers().firstValue("Location").orElseThrow();
        String page = console.get(path, cookie).body();
        assertThat(page).contains("<h1>Console chat</h1>").contains("<label for=\"content\">Message</label>").contains("src=\"/console-static/chat.js\"");
        assertThat(console.get("/console-static/chat.js", null).body()).contains("getReader()").contains("message.delta");

        HttpResponse<String> answer = console.post(path + "/messages", cookie, form("_csrf", csrf, "content", "hello?"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        String body = answer.body();
        assertThat(body).contains("event:message.delta").contains("\"Hel\"").contains("\"lo\"").contains("event:message.completed");
        assertThat(body.indexOf("\"Hel\"")).isLessThan(body.indexOf("\"lo\""));
        assertThat(console.get(path, cookie).body()).contains("<div class=\"text\">hello?</div>").contains("<div class=\"text\">Hello there</div>");

        String viewer = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        assertThat(console.get(path, viewer).body()).contains("Hello there").doesNotContain("chat-form");
        assertThat(console.post(path + "/messages", viewer, form("_csrf", console.csrf(viewer), "content", "hi")).statusCode()).isEqualTo(403);
        String outsider = console.session(newOrg().keys().create(CreateKey.of("o", "admin")).secret());
        String outsiderCsrf = console.csrf(outsider);
        assertThat(console.get(path, outsider).statusCode()).isEqualTo(404);
        assertThat(console.get("/console/threads", outsider).body()).doesNotContain(path);
        HttpResponse<String> refused = console.post(path + "/messages", outsider, form("_csrf", outsiderCsrf, "content", "leak?"));
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).contains("<html");
        assertThat(console.post("/console/threads", outsider, form("_csrf", outsiderCsrf, "agent_id", agentId.toString())).statusCode()).isEqualTo(422);
        assertThat(console.post(path + "/messages", cookie, form("_csrf", csrf, "content", "")).statusCode()).isEqualTo(422);
    }
}
