package dev.griddle.server.trigger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.UUID;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Writes the delivery log entry of a {@code /hooks} request once its answer is decided, so the
 * logged status is the one the sender got, whether the ingress answered or threw a refusal that
 * the error handler turned into the envelope. {@link WebhookIngress} fills the request's
 * {@link Note}; a request it never tied to a trigger, or refused by the rate limit, is not logged.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryLogging implements WebMvcConfigurer {

    static final String NOTE = Note.class.getName();
    static final int MAX_REASON = 500;

    /** What the ingress learned of one request, for its log entry. */
    static final class Note {
        UUID triggerId;
        String deliveryId;
        UUID runId;
        String reason;

        static Note of(HttpServletRequest request) {
            Note note = new Note();
            request.setAttribute(NOTE, note);
            return note;
        }
    }

    private final DeliveryStore deliveries;
    private final Clock clock;

    DeliveryLogging(DeliveryStore deliveries, Clock clock) {
        this.deliveries = deliveries;
        this.clock = clock;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
                if (request.getAttribute(NOTE) instanceof Note note && note.triggerId != null) {
                    deliveries.log(new DeliveryStore.Delivery(UUID.randomUUID(), note.triggerId, clock.instant(), response.getStatus(),
                            reason(note.reason), note.deliveryId, note.runId));
                }
            }
        }).addPathPatterns("/hooks/**");
    }

    private static String reason(String reason) {
        return reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "…";
    }
}
