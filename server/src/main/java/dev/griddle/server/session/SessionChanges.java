package dev.griddle.server.session;

import dev.griddle.server.session.Sessions.SessionChange;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The listeners to sessions' changes of status (and output), each told after the change committed; one failing listener does not stop the others. */
@Component
class SessionChanges {

    private final SessionStore store;
    private final List<Consumer<SessionChange>> listeners = new CopyOnWriteArrayList<>();

    SessionChanges(SessionStore store) {
        this.store = store;
    }

    void listen(Consumer<SessionChange> listener) {
        listeners.add(listener);
    }

    void changed(UUID orgId, UUID id, String event) {
        if (listeners.isEmpty()) {
            return;
        }
        store.find(orgId, id).ifPresent(s -> listeners.forEach(l -> {
            try {
                l.accept(new SessionChange(orgId, s, event));
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Sessions.class).warn("Session listener failed for {}", id, e);
            }
        }));
    }
}
