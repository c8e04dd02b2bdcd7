package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Key, organization and secret changes and role denials are lines on {@code griddle.audit}, with the acting key and never a secret. */
class AuditLogTest extends ApiTest {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger audit;

    @BeforeEach
    void capture() {
        audit = (Logger) LoggerFactory.getLogger(Audit.LOGGER);
        lines.start();
        audit.addAppender(lines);
    }

    @AfterEach
    void release() {
        audit.detachAppender(lines);
    }

    private List<String> linesFor(UUID orgId) {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("org_id=" + orgId)).toList();
    }

    @Test
    void keyChangesSecretChangesAndDenialsAreAudited() {
        var created = instanceAdmin().organizations().create("audited-" + UUID.randomUUID());
        GriddleClient admin = client(created.adminKey());
        ApiKey adminKey = admin.keys().list(PageRequest.first()).data().getFirst();
        ApiKey contributor = admin.keys().create(CreateKey.of("c", "contributor"));
        admin.keys().revoke(admin.keys().create(CreateKey.of("short", "viewer")).id());
        GriddleClient asContributor = client(contributor.secret());
        expectError(403, "FORBIDDEN", () -> asContributor.keys().create(CreateKey.of("x", "admin")));
        admin.raw("PUT", "/api/v1/secrets/API_TOKEN", "{\"value\": \"s3cr3t-value\"}", Map.of("Content-Type", "application/json"));
        admin.raw("DELETE", "/api/v1/secrets/API_TOKEN", null, Map.of());

        List<String> mine = linesFor(created.id());
        assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("action=key.create").contains("key_id=" + adminKey.id(), "target_id=" + contributor.id(),
                "role=contributor", "project_ids=all"));
        assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("action=key.revoke").contains("key_id=" + adminKey.id()));
        assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("action=denied").contains("key_id=" + contributor.id(), "role=contributor",
                "method=POST", "path=/api/v1/keys", "reason=\"Role 'contributor' may not manage API keys\""));
        assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("action=secret.create").contains("target_id=API_TOKEN"));
        assertThat(mine).anySatisfy(l -> assertThat(l).startsWith("action=secret.delete").contains("target_id=API_TOKEN"));
        assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage))
                .anySatisfy(l -> assertThat(l).startsWith("action=organization.create").contains("target_id=" + created.id()));
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain(created.adminKey()).doesNotContain(contributor.secret()).doesNotContain("s3cr3t-value"));
        // the fields are structured as well, for JSON encoders
        ILoggingEvent create = lines.list.stream().filter(e -> e.getFormattedMessage().startsWith("action=key.create")
                && e.getFormattedMessage().contains(contributor.id().toString())).findFirst().orElseThrow();
        assertThat(create.getKeyValuePairs()).anySatisfy(kv -> {
            assertThat(kv.key).isEqualTo("target_id");
            assertThat(kv.value).isEqualTo(contributor.id().toString());
        });
    }
}
