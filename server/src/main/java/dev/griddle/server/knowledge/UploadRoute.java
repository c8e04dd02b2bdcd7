package dev.griddle.server.knowledge;

import dev.griddle.server.web.StreamedUpload;
import org.springframework.stereotype.Component;

/** {@code POST /api/v1/knowledge/upload} takes files up to {@code griddle.knowledge.max-upload-size}, streamed to disk. */
@Component
class UploadRoute implements StreamedUpload {

    private final KnowledgeProperties props;

    UploadRoute(KnowledgeProperties props) {
        this.props = props;
    }

    @Override
    public String path() {
        return "/api/v1/knowledge/upload";
    }

    @Override
    public long maxBytes() {
        return props.maxUploadSize().toBytes();
    }
}
