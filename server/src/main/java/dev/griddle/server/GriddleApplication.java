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
        SpringApplication.run(GriddleApplication.class, args);
    }

    /** Time is a parameter: everything that decides by time asks this clock. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
