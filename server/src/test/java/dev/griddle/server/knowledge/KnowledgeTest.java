package dev.griddle.server.knowledge;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.server.ApiTest;
import java.util.UUID;
import org.springframework.test.context.TestPropertySource;

/** The knowledge tests' server: small limits so that refusals are cheap to reach, an upload limit above the JSON body limit (2 MB) so that the route's own limit shows; one context for all of them. */
@TestPropertySource(properties = {"griddle.knowledge.max-upload-size=3MB", "griddle.knowledge.storage-quota=4MB",
        "griddle.knowledge.max-chars=200000", "griddle.knowledge.max-pages=20", "griddle.knowledge.vectors.enabled=true"})
abstract class KnowledgeTest extends ApiTest {

    static final int UPLOAD_LIMIT = 3 * 1024 * 1024;

    UUID project(GriddleClient client) {
        return client.projects().create("p-" + UUID.randomUUID(), null).id();
    }
}
