package dev.griddle.server.auth;

import dev.griddle.server.GriddleProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On the first start against an empty database: one organization and one instance-admin key,
 * taken from {@code GRIDDLE_BOOTSTRAP_ADMIN_KEY} or generated and printed once. An advisory lock
 * keeps two nodes starting together from both doing it.
 *
 * <p>Runs once every bean exists but before the web server opens its port, so a server that
 * answers {@code /healthz} already accepts the bootstrap key.
 */
@Component
class Bootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
    private static final long LOCK = 0x6772646c_00000001L;

    private final JdbcClient jdbc;
    private final OrganizationStore organizations;
    private final TransactionTemplate tx;
    private final GriddleProperties props;
    private final Clock clock;

    Bootstrap(JdbcClient jdbc, OrganizationStore organizations, TransactionTemplate tx, GriddleProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.organizations = organizations;
        this.tx = tx;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        tx.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(:lock)").param("lock", LOCK).query(Object.class).single();
            if (organizations.count() > 0) {
                return;
            }
            boolean given = props.bootstrapAdminKey() != null && !props.bootstrapAdminKey().isBlank();
            String secret = given ? props.bootstrapAdminKey() : KeySecrets.generate();
            organizations.create("default", secret, true, clock.instant());
            if (given) {
                log.info("Created the default organization with the admin key from GRIDDLE_BOOTSTRAP_ADMIN_KEY");
            } else {
                log.warn("""
                        Created the default organization. Its instance-admin API key, shown this once:

                            {}

                        Keep it safe: only its hash is stored.""", secret);
            }
        });
    }
}
