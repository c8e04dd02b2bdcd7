package dev.griddle.server;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Griddle: one process serving the API, the engine and the scheduler on PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class GriddleApplication {

    public static void main(String[] args) {
        exitCleanlyOnSigterm();
        SpringApplication.run(GriddleApplication.class, args);
    }

    /**
     * SIGTERM is how systemd, Docker and Kubernetes ask for a stop. The JVM's own handler exits
     * with 143, which supervisors record as a failure; a graceful stop is a success. The shutdown
     * hooks (Spring's graceful shutdown: finish requests in flight, close the pool, stop the
     * embedded PostgreSQL) run the same either way.
     */
    private static void exitCleanlyOnSigterm() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
    }

    /** Time is a parameter: everything that decides by time asks this clock. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
