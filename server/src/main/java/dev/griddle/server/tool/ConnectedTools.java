package dev.griddle.server.tool;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Tools that exist only through a connection of a runner or an agent (a database integration's
 * {@code crm__sql_query}, an MCP server's {@code slug__tool}, the web tools), as opposed to the organization's custom
 * tools. Implemented by each such feature; {@link ToolRegistry#connected} asks all of them.
 */
public interface ConnectedTools {

    /** A runner or an agent; {@code kind} is {@code runner} or {@code agent}. */
    record Owner(String kind, UUID id) {
    }

    /**
     * The tool called {@code name} if one of the owners is connected to what provides it.
     * {@code owners} come runner first, then agent: on a clash the later owner's attachment wins.
     */
    Optional<Tool> find(UUID orgId, String name, List<Owner> owners);

    /**
     * Every tool the owners' connections provide, by the name models call it, in a stable order
     * (for a chat thread, which offers the agent all it is connected to rather than a step's list).
     * Same precedence as {@link #find}. A provider that cannot be reached is left out rather than
     * failing the caller.
     */
    Map<String, Tool> all(UUID orgId, List<Owner> owners);
}
