package dev.griddle.server.interop.a2a;

import dev.griddle.server.agent.AgentListing;
import dev.griddle.server.interop.Links;
import io.a2a.spec.AgentCapabilities;
import io.a2a.spec.AgentCard;
import io.a2a.spec.AgentInterface;
import io.a2a.spec.AgentSkill;
import io.a2a.spec.HTTPAuthSecurityScheme;
import io.a2a.spec.TransportProtocol;
import java.util.List;
import java.util.Map;

/** An agent's A2A card (protocol 0.3): one skill (ask it), the JSON-RPC interface at {@code /a2a/{id}}, and the bearer key it needs. */
final class AgentCards {

    static final String PROTOCOL_VERSION = "0.3.0";
    static final String SCHEME = "griddle_key";

    private AgentCards() {
    }

    static AgentCard of(AgentListing.Listed agent, Links links) {
        String url = links.agent(agent.id());
        String description = agent.description() == null || agent.description().isBlank() ? "The Griddle agent '" + agent.name() + "'"
                : agent.description();
        return new AgentCard.Builder().name(agent.name()).description(description).url(url).version("1").protocolVersion(PROTOCOL_VERSION)
                .preferredTransport(TransportProtocol.JSONRPC.asString())
                .additionalInterfaces(List.of(new AgentInterface(TransportProtocol.JSONRPC.asString(), url)))
                .capabilities(new AgentCapabilities(true, false, false, List.of()))
                .defaultInputModes(List.of("text/plain")).defaultOutputModes(List.of("text/plain"))
                .skills(List.of(new AgentSkill.Builder().id("ask").name("Ask " + agent.name()).description(description)
                        .tags(List.of("chat")).inputModes(List.of("text/plain")).outputModes(List.of("text/plain")).build()))
                .securitySchemes(Map.of(SCHEME, new HTTPAuthSecurityScheme.Builder().scheme("bearer").bearerFormat("Griddle API key")
                        .description("A Griddle API key: Authorization: Bearer grd_live_...").build()))
                .security(List.of(Map.of(SCHEME, List.of())))
                .build();
    }
}
