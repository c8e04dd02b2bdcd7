package dev.griddle.server.interop;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The API URLs an MCP or A2A answer points to (where to follow a run, approve it, read a thread), on the base the client called. */
public record Links(String base) {

    public static Links of(HttpServletRequest request) {
        return new Links(ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).toUriString());
    }

    public String run(UUID runId) {
        return base + "/api/v1/runs/" + runId;
    }

    public String runEvents(UUID runId) {
        return run(runId) + "/events/stream";
    }

    public String approve(UUID approvalId) {
        return base + "/api/v1/approvals/" + approvalId + "/complete";
    }

    public String threadMessages(UUID threadId) {
        return base + "/api/v1/threads/" + threadId + "/messages";
    }

    public String agent(UUID agentId) {
        return base + "/a2a/" + agentId;
    }
}
