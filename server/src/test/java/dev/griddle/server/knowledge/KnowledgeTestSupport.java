package dev.griddle.server.knowledge;

import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import java.time.Duration;
import java.util.UUID;

/** Waiting for ingest, shared by the knowledge tests. */
final class KnowledgeTestSupport {

    private KnowledgeTestSupport() {
    }

    /** The document once it is no longer processing. */
    static Document settled(GriddleClient client, UUID id) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> client.knowledge().get(id),
                d -> !d.status().equals("processing"));
    }

    /** The document once ingested; fails when it failed. */
    static Document ready(GriddleClient client, UUID id) {
        Document d = settled(client, id);
        if (!d.status().equals("ready")) {
            throw new AssertionError("document " + d.title() + " is " + d.status() + ": " + d.error());
        }
        return d;
    }
}
